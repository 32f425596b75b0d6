/**
 * @module Workflow states (PRD V1 §13, PRD V2 §12, AGENT_DEVELOPMENT_GUIDE §3.1-3.2) and the
 * `FAILED` reasons / billing failure classes that go with them. Canonical PRD names only
 * (guide §9.1: no CANCELLED, COMPLETED, PROPOSING, ...).
 */

/** The 19 required states of PRD V1 §13, in the PRD's order. */
export const V1_WORKFLOW_STATES = [
  'PENDING',
  'ANALYZING',
  'GENERATING_ANALYSIS_REPORT',
  'WAITING_STRATEGY',
  'WAITING_SPEC_APPROVAL',
  'GENERATING_TESTS',
  'BASELINE_VALIDATION',
  'REFACTORING',
  'SELF_HEALING',
  'WAITING_INTERVENTION',
  'DEEP_FIX_ACTIVE',
  'USER_INTERVENING',
  'DELIVERED',
  'FALLBACK_REQUIRED',
  'FAILED',
  'RECOVERY_PENDING',
  'BASELINE_VALIDATION_FAILED',
  'WAITING_ESCALATION_DECISION',
  'CLIENT_HEARTBEAT_LOST',
] as const;

/**
 * The 11 additional state markers of PRD V2 §12, in the PRD's order. `CLIENT_HEARTBEAT_LOST`
 * is listed there again although V1 already has it; it is one state, not two.
 */
export const V2_STATE_MARKERS = [
  'REPO_SYNCING',
  'REMOTE_EXECUTION_QUEUED',
  'REMOTE_EXECUTION_RUNNING',
  'REPO_PRECHECK_BLOCKED',
  'REMOTE_HEAD_CONFLICT',
  'REMOTE_WIPE_VERIFYING',
  'REPO_SYNC_THROTTLED',
  'REPO_SYNC_SCRATCH_WIPING',
  'CLIENT_HEARTBEAT_LOST',
  'REMOTE_REBASE_VALIDATING',
  'SYNC_APPLY_CONFLICT',
] as const;

/** Transient sub-state between PENDING and ANALYZING (guide §3.2; not in the PRD list). */
export const TRANSIENT_STATES = ['QUOTA_RESERVING'] as const;

/** Every state once: 19 V1 + 10 V2-only + 1 transient = 30. */
export const WORKFLOW_STATES = [...new Set([...V1_WORKFLOW_STATES, ...V2_STATE_MARKERS, ...TRANSIENT_STATES])] as readonly WorkflowState[];

export type WorkflowState = (typeof V1_WORKFLOW_STATES)[number] | (typeof V2_STATE_MARKERS)[number] | (typeof TRANSIENT_STATES)[number];

/**
 * Type guard for untrusted strings (DB rows, API input).
 * @example isWorkflowState('CANCELLED') // false
 */
export function isWorkflowState(value: unknown): value is WorkflowState {
  return typeof value === 'string' && (WORKFLOW_STATES as readonly string[]).includes(value);
}

/**
 * `refactor_jobs.failure_reason` when status is FAILED. Names come from the spec where it
 * names them; the rest are recorded in docs/workflow-states.md.
 */
export const FAILURE_REASONS = [
  'USER_CANCELLED', // guide §3.2, API DELETE /jobs/:id
  'FORCE_TERMINATED_BY_USER', // API POST /jobs/:id/force-terminate
  'CLIENT_DISCONNECTED', // PRD V1 §13 item 17
  'ESCALATION_CONFIRMATION_TIMEOUT', // V1-FR-ROUTE-003, PRD V1 §13 item 12
  'INTERVENTION_TIMEOUT', // AGENT.md resolution 17 (Deep Fix confirmation, 1800 s)
  'INSUFFICIENT_FUNDS', // PRD V2 §12 rule 8, V2-FR-BIL
  'GITHUB_TOKEN_REFRESH_FAILED', // API_CONTRACT §8
  'GITHUB_AUTHORIZATION_REVOKED', // V2-FR-GH-007/010, PRD V2 §12 rule 17
  'REMOTE_HEAD_CONFLICT', // V2-FR-WF-008 "explicit terminal conflict reason"
  'REPO_PRECHECK_BLOCKED', // PRD V2 §12 rule 4, V2-FR-GH-006
  'REPO_SYNC_RETRY_EXHAUSTED', // PRD V2 §12 rule 9 (name chosen here)
  'WORKSPACE_RESTORE_FAILED', // PRD V1 §13 item 10 (name chosen here)
  'QUOTA_RESERVATION_TIMEOUT', // guide §3.2 stuck QUOTA_RESERVING (name chosen here)
  'TIMEOUT_EXECUTION', // V2-FR-RUN-006
  'LLM_SCHEMA_VALIDATION_FAILED', // PRD V1 §11 item 8 fail closed (name chosen here)
  'INFRA_FAILURE', // V1-FR-BIL-001
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** Billing failure classes of `usage_ledger.failure_class` (V1-FR-BIL-001, V1-FR-BIL-005). */
export const BILLING_FAILURE_CLASSES = ['INFRA_FAILURE', 'LOGIC_FAILURE', 'USER_CANCELLED', 'POLICY_BLOCKED', 'TIMEOUT_EXECUTION', 'CLIENT_DISCONNECTED'] as const;
export type BillingFailureClass = (typeof BILLING_FAILURE_CLASSES)[number];

/** `refactor_jobs.execution_mode` (DB_SCHEMA §3, API POST /api/v1/jobs). */
export const EXECUTION_MODES = ['LOCAL_DOCKER', 'LOCAL_NATIVE', 'REMOTE_SANDBOX'] as const;
export type ExecutionMode = (typeof EXECUTION_MODES)[number];
