/**
 * @module Model classes L1/L2/L3 (PRD V1 §9.11, V1-FR-ROUTE-002) and routing phases
 * (V1-FR-ROUTE-003/005: phase 1 = L1, phase 2 = L2, phase 3 = L3).
 */

/** Upper-case, as the API reports them (`model_class_used`, API_CONTRACT §4). */
export const LLM_MODEL_CLASSES = ['L1', 'L2', 'L3'] as const;
export type ModelClass = (typeof LLM_MODEL_CLASSES)[number];

export const ROUTING_PHASES = [1, 2, 3] as const;
export type RoutingPhase = (typeof ROUTING_PHASES)[number];

/**
 * Phase of a model class (DB `quota_reservations.phase`, `usage_ledger.event_type phase_N_call`).
 * @example phaseOf('L2') // 2
 */
export function phaseOf(modelClass: ModelClass): RoutingPhase {
  return (LLM_MODEL_CLASSES.indexOf(modelClass) + 1) as RoutingPhase;
}
