/**
 * @module Entitlement gates before any provider call (V1-FR-ROUTE-003/005/006, V1-FR-SUB-004/006,
 * ADR-002 "entitlement check before LiteLLM call"): class resolution, tier phase gate,
 * escalation authorization (confirmation token or job-start pre-authorization) and the
 * pre-authorization budget policy.
 */
import {
  TIER_MATRIX,
  isModelClassAllowed,
  phaseOf,
  type ModelClass,
  type RoutingPhase,
} from '@iama/contracts';
import { verifyConfirmationToken, type ConfirmationBasis } from './confirmation';
import { RouterError } from './errors';
import type { CallRequest } from './types';
import { isEscalation, waterfallClass } from './waterfall';

export type RouteDecision = {
  modelClass: ModelClass;
  phase: RoutingPhase;
  /** Machine-readable why (V1-FR-ROUTE-002 acceptance: "routing decisions are logged with … reason"). */
  reason: string;
  authorization: 'NOT_REQUIRED' | ConfirmationBasis | 'PREAUTHORIZATION';
};

export type GateDeps = {
  confirmationKey: string | Buffer;
  now: number;
  /** Credits the job spent in phases >= 2, for the pre-authorization budget. */
  escalatedCredits: () => Promise<number>;
};

const deny = (denialReason: string, message: string, detail: Record<string, unknown> = {}) =>
  new RouterError('ENTITLEMENT_DENIED_PHASE', message, { denial_reason: denialReason, ...detail });

/**
 * Resolves and authorizes the model class of a call, or throws `ENTITLEMENT_DENIED_PHASE` with a
 * `denial_reason`: PHASE_NOT_IN_TIER, STAGE_NOT_IN_TIER, FAMILY_NOT_ALLOWED_FOR_CLASS,
 * L3_CONFIRMATION_REQUIRED, ESCALATION_NOT_AUTHORIZED, PREAUTHORIZATION_BUDGET_EXHAUSTED.
 * @example const d = await decideRoute(req, { confirmationKey, now: Date.now(), escalatedCredits: async () => 0 });
 */
export async function decideRoute(req: CallRequest, deps: GateDeps): Promise<RouteDecision> {
  const { snapshot, stage } = req;
  const base = waterfallClass(snapshot.tier, stage, req.iteration);
  if (base.modelClass === null)
    throw deny('STAGE_NOT_IN_TIER', `${stage} is not available on ${snapshot.tier}`, { stage });
  let modelClass: ModelClass = base.modelClass;
  let reason = base.reason;
  const asked = req.modelClass ?? (req.phase ? (`L${req.phase}` as ModelClass) : undefined);
  if (asked && asked !== modelClass) {
    modelClass = asked;
    reason = `REQUESTED_${asked}`;
  }
  const phase = phaseOf(modelClass);
  // Server-side truth is the tier matrix; the snapshot can only narrow it (V1-FR-SUB-004).
  const allowed = TIER_MATRIX[snapshot.tier].phases.filter((p) => snapshot.phases.includes(p));
  if (!allowed.includes(phase))
    throw deny('PHASE_NOT_IN_TIER', `phase ${phase} is not entitled on ${snapshot.tier}`, {
      phase,
      modelClass,
    });
  // L2/L3 answer in patch_edit only (PRD V1 §11 table); the registry names the exceptions.
  if (!isModelClassAllowed(req.family, modelClass)) {
    throw deny('FAMILY_NOT_ALLOWED_FOR_CLASS', `${modelClass} may not answer in ${req.family}`, {
      family: req.family,
      modelClass,
    });
  }

  if (!isEscalation(stage, modelClass))
    return { modelClass, phase, reason, authorization: 'NOT_REQUIRED' };

  const pre = TIER_MATRIX[snapshot.tier].escalationPreauthorization
    ? snapshot.preauthorization
    : undefined;
  const token = verifyConfirmationToken(
    req.confirmationToken,
    { jobId: snapshot.jobId, attemptNumber: req.attemptNumber, modelClass },
    deps.confirmationKey,
    deps.now,
  );
  let authorization: RouteDecision['authorization'];
  if (token.ok) {
    // A PREAUTHORIZED token is only as good as the pre-authorization it claims.
    if (token.claims.basis === 'PREAUTHORIZED' && !(pre && pre.phaseCeiling >= phase)) {
      throw deny(
        'ESCALATION_NOT_AUTHORIZED',
        'token claims a pre-authorization the job does not have',
        { phase, modelClass },
      );
    }
    authorization = token.claims.basis;
  } else if (modelClass === 'L3') {
    // Every L3 call needs its own confirmation (V1-FR-SUB-003/006), pre-authorized or not.
    throw deny('L3_CONFIRMATION_REQUIRED', 'L3 requires a confirmation token for this attempt', {
      modelClass,
      token: token.reason,
    });
  } else if (pre && pre.phaseCeiling >= phase) {
    authorization = 'PREAUTHORIZATION';
  } else {
    throw deny(
      'ESCALATION_NOT_AUTHORIZED',
      `escalation to phase ${phase} needs confirmation or pre-authorization`,
      { phase, modelClass, token: token.reason },
    );
  }

  if (
    pre &&
    pre.creditBudget !== null &&
    (authorization === 'PREAUTHORIZATION' || authorization === 'PREAUTHORIZED')
  ) {
    const spent = await deps.escalatedCredits();
    if (spent >= pre.creditBudget) {
      if (
        pre.onBudgetExhausted === 'degrade_to_base_model' &&
        isModelClassAllowed(req.family, 'L1')
      ) {
        return {
          modelClass: 'L1',
          phase: 1,
          reason: 'PREAUTHORIZATION_BUDGET_EXHAUSTED_DEGRADED_TO_L1',
          authorization: 'NOT_REQUIRED',
        };
      }
      throw deny(
        'PREAUTHORIZATION_BUDGET_EXHAUSTED',
        'the pre-authorized escalation budget is spent',
        { modelClass, spent, budget: pre.creditBudget },
      );
    }
  }
  return { modelClass, phase, reason, authorization };
}
