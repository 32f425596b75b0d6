/**
 * @module The stage/iteration waterfall of V1-FR-ROUTE-003 and the stage defaults of
 * V1-FR-ROUTE-002: which model class a call gets before any gate runs. Pure.
 */
import { TIER_MATRIX, type ModelClass, type Tier } from '@iama/contracts';
import type { Stage } from './types';

export type WaterfallChoice =
  { modelClass: ModelClass; reason: string } | { modelClass: null; reason: string };

/** Repair iterations 1-3 stay on L1; 4+ escalate where the tier has phase 2 (V1-FR-ROUTE-003). */
export const REPAIR_L2_FROM_ITERATION = 4;

/**
 * The class the waterfall assigns. `null` when the stage is not available on the tier at all
 * (Deep Fix on Free/Plus), which the gate turns into `ENTITLEMENT_DENIED_PHASE`.
 * @example waterfallClass('PLUS', 'repair', 4) // { modelClass: 'L2', reason: 'REPAIR_ITERATION_4_PLUS' }
 */
export function waterfallClass(tier: Tier, stage: Stage, iteration = 1): WaterfallChoice {
  const ent = TIER_MATRIX[tier];
  const hasPhase2 = ent.phases.includes(2);
  switch (stage) {
    case 'planning':
    case 'test_generation':
    case 'refactor_generation':
      return { modelClass: 'L1', reason: `STAGE_${stage.toUpperCase()}_L1` };
    case 'repair':
      if (iteration < REPAIR_L2_FROM_ITERATION)
        return { modelClass: 'L1', reason: 'REPAIR_ITERATION_1_3' };
      // Iterations 7+ on Max/Enterprise stay on L2 unless the workflow asks for L3 explicitly ("L2 escalation or L3").
      return hasPhase2
        ? {
            modelClass: 'L2',
            reason: iteration >= 7 ? 'REPAIR_ITERATION_7_PLUS' : 'REPAIR_ITERATION_4_PLUS',
          }
        : { modelClass: 'L1', reason: 'REPAIR_TIER_PHASE_1_ONLY' };
    case 'fallback_conversation':
      return hasPhase2
        ? { modelClass: 'L2', reason: 'FALLBACK_CONVERSATION_L2_MINIMUM' }
        : { modelClass: 'L1', reason: 'FALLBACK_CONVERSATION_FREE_L1' };
    case 'spec_interpretation':
      return hasPhase2
        ? { modelClass: 'L2', reason: 'SPEC_INTERPRETATION_L2' }
        : { modelClass: 'L1', reason: 'SPEC_INTERPRETATION_TIER_L1' };
    case 'deep_fix':
      if (ent.deepFix === 'L3_WITH_CONFIRMATION')
        return { modelClass: 'L3', reason: 'DEEP_FIX_L3' };
      if (ent.deepFix === 'CONTEXT_RESET_L2')
        return { modelClass: 'L2', reason: 'DEEP_FIX_CONTEXT_RESET_L2' };
      return { modelClass: null, reason: 'DEEP_FIX_NOT_IN_TIER' };
  }
}

/**
 * Whether a class on a stage is an escalation that needs the user's say-so (V1-FR-ROUTE-003
 * "without pre-authorization, explicit user confirmation is required before escalation").
 * L2 as the stage's own default (fallback conversation, spec interpretation) is not one.
 * @example isEscalation('repair', 'L2') // true
 */
export function isEscalation(stage: Stage, modelClass: ModelClass): boolean {
  if (modelClass === 'L3') return true;
  return modelClass === 'L2' && (stage === 'repair' || stage === 'deep_fix');
}
