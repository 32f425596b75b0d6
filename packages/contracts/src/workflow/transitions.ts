/**
 * @module The workflow transition table as data (AGENT_DEVELOPMENT_GUIDE §3.1-3.2, PRD V1 §13,
 * PRD V2 §12) and the checks every status change goes through. Where the spec left an edge
 * open, the choice is recorded in docs/workflow-states.md.
 */
import type { Tier } from '../tiers/tier';
import { WORKFLOW_STATES, isWorkflowState, type ExecutionMode, type WorkflowState } from './states';

/** Facts about the job the guards read. Absent fields mean: no / local / IDE / not Enterprise. */
export type TransitionContext = {
  /** From the entitlement snapshot, never from the live subscription (guide §2.3 item 4). */
  tier?: Tier;
  enterpriseTrial?: boolean;
  executionMode?: ExecutionMode;
  /** `GITHUB` for V2 web jobs whose source is a repository. */
  source?: 'IDE' | 'GITHUB';
  /** A valid job-start escalation pre-authorization exists (V1-FR-ROUTE-003). */
  escalationPreauthorized?: boolean;
  /** A remote sandbox exists for this job and has not been wiped yet (PRD V2 §12 rule 6). */
  remoteSandboxActive?: boolean;
  /** `secure_wipe_evidence` row recorded (V2-FR-RUN-007). */
  wipeEvidenceRecorded?: boolean;
  /** The terminal state a remote job is heading to while in REMOTE_WIPE_VERIFYING. */
  terminalIntent?: TerminalState;
};

export const TERMINAL_STATES = ['DELIVERED', 'FAILED', 'FALLBACK_REQUIRED'] as const;
export type TerminalState = (typeof TERMINAL_STATES)[number];

type GuardFn = (ctx: TransitionContext, to: WorkflowState) => boolean;
const remote = (c: TransitionContext) => c.executionMode === 'REMOTE_SANDBOX';

/** Named guards, so the table stays plain data and denials can name the guard that failed. */
export const GUARDS = {
  /** PRD V1 §13 transition 2. */
  ENTERPRISE: (c) => c.tier === 'ENTERPRISE',
  NOT_ENTERPRISE: (c) => c.tier !== 'ENTERPRISE',
  /** V1-FR-PRO-003: a trial pauses at strategy selection until upgraded. */
  NOT_ENTERPRISE_TRIAL: (c) => c.enterpriseTrial !== true,
  /** Guide §3.2: REMOTE_SANDBOX jobs continue on disconnect (ADR-003, V2-FR-WF-006). */
  IDE_ATTACHED: (c) => !remote(c),
  REMOTE_SANDBOX: (c) => remote(c),
  GITHUB_SOURCE: (c) => c.source === 'GITHUB',
  NOT_GITHUB_SOURCE: (c) => c.source !== 'GITHUB',
  PREAUTHORIZED: (c) => c.escalationPreauthorized === true,
  NOT_PREAUTHORIZED: (c) => c.escalationPreauthorized !== true,
  /** PRD V2 §12 rule 6: with a live sandbox, terminal states go through REMOTE_WIPE_VERIFYING. */
  NO_ACTIVE_SANDBOX: (c) => !(remote(c) && c.remoteSandboxActive === true),
  ACTIVE_SANDBOX: (c) => remote(c) && c.remoteSandboxActive === true,
  WIPE_EVIDENCE_FOR_TARGET: (c, to) => c.wipeEvidenceRecorded === true && c.terminalIntent === to,
} as const satisfies Record<string, GuardFn>;
export type GuardName = keyof typeof GUARDS;

export type Transition = {
  from: WorkflowState;
  to: WorkflowState;
  trigger: string;
  /** All must pass. */
  guards?: readonly GuardName[];
  /** Requirement IDs / sections that define the edge. */
  source: string;
};

const edge = (from: WorkflowState, to: WorkflowState, trigger: string, source: string, guards?: GuardName[]): Transition =>
  guards ? { from, to, trigger, guards, source } : { from, to, trigger, source };

/** Edges named one by one in the spec (or decided in docs/workflow-states.md). */
const EXPLICIT: Transition[] = [
  edge('PENDING', 'QUOTA_RESERVING', 'START_REQUESTED', 'guide §3.2; V1-FR-BIL-004'),
  edge('PENDING', 'REPO_PRECHECK_BLOCKED', 'REPO_PREFLIGHT_FAILED', 'PRD V2 §12 rule 4; V2-FR-GH-006', ['GITHUB_SOURCE']),
  edge('QUOTA_RESERVING', 'ANALYZING', 'QUOTA_RESERVED', 'guide §3.1; PRD V1 §13 item 13', ['NOT_GITHUB_SOURCE']),
  edge('QUOTA_RESERVING', 'REPO_SYNCING', 'QUOTA_RESERVED', 'PRD V2 §12 rules 1, 11', ['GITHUB_SOURCE']),
  edge('QUOTA_RESERVING', 'PENDING', 'QUOTA_RESERVATION_DENIED', 'PRD V1 §13 item 13; API POST /jobs/:id/start 409'),
  edge('REPO_SYNCING', 'REPO_SYNC_THROTTLED', 'GITHUB_RATE_LIMITED', 'PRD V2 §12 rule 9; V2-FR-GH-008'),
  edge('REPO_SYNC_THROTTLED', 'REPO_SYNCING', 'BACKOFF_ELAPSED', 'PRD V2 §12 rule 9'),
  edge('REPO_SYNCING', 'REPO_SYNC_SCRATCH_WIPING', 'CONTEXT_HANDED_OFF', 'PRD V2 §12 rule 10'),
  edge('REPO_SYNC_SCRATCH_WIPING', 'ANALYZING', 'SCRATCH_WIPED', 'PRD V2 §12 rules 1, 10'),
  edge('ANALYZING', 'WAITING_STRATEGY', 'SCOPE_ANALYSIS_COMPLETE', 'guide §3.1', ['NOT_ENTERPRISE']),
  edge('ANALYZING', 'GENERATING_ANALYSIS_REPORT', 'SCOPE_ANALYSIS_COMPLETE', 'PRD V1 §13 transition 2; V1-FR-PRO-002', ['ENTERPRISE']),
  edge('GENERATING_ANALYSIS_REPORT', 'WAITING_STRATEGY', 'ANALYSIS_REPORT_READY', 'guide §3.1; V1-FR-PRO-002', ['ENTERPRISE']),
  edge('WAITING_STRATEGY', 'WAITING_SPEC_APPROVAL', 'PROPOSAL_SELECTED', 'guide §3.1; V1-FR-PRO-003', ['NOT_ENTERPRISE_TRIAL']),
  edge('WAITING_SPEC_APPROVAL', 'GENERATING_TESTS', 'SPEC_APPROVED', 'guide §3.1; V1-FR-SPEC-005 (Fast-Track auto-approval)'),
  edge('GENERATING_TESTS', 'BASELINE_VALIDATION', 'TESTS_GENERATED', 'guide §3.1', ['IDE_ATTACHED']),
  edge('GENERATING_TESTS', 'REMOTE_EXECUTION_QUEUED', 'TESTS_GENERATED', 'PRD V2 §12 rule 2', ['REMOTE_SANDBOX']),
  edge('REMOTE_EXECUTION_QUEUED', 'REMOTE_EXECUTION_RUNNING', 'SANDBOX_STARTED', 'PRD V2 §12 rule 2'),
  edge('REMOTE_EXECUTION_RUNNING', 'BASELINE_VALIDATION', 'SANDBOX_READY', 'PRD V2 §12 rule 2; V2-FR-WF-003'),
  edge('BASELINE_VALIDATION', 'REFACTORING', 'BASELINE_PASSED', 'guide §3.1; V1-FR-TEST-002'),
  edge('BASELINE_VALIDATION', 'BASELINE_VALIDATION_FAILED', 'BASELINE_FAILED', 'guide §3.1; PRD V1 §13 transition 5'),
  edge('BASELINE_VALIDATION_FAILED', 'WAITING_SPEC_APPROVAL', 'REVISE_SPECS', 'guide §3.1-3.2; PRD V1 §13 transition 6'),
  edge('BASELINE_VALIDATION_FAILED', 'BASELINE_VALIDATION', 'QUARANTINE_OR_MOCK_OVERRIDE', 'V1-FR-TEST-005'),
  edge('REFACTORING', 'SELF_HEALING', 'TESTS_FAILED', 'guide §3.1'),
  edge('REFACTORING', 'DELIVERED', 'TESTS_PASSED', 'guide §3.1', ['NO_ACTIVE_SANDBOX']),
  edge('REFACTORING', 'WAITING_ESCALATION_DECISION', 'ESCALATION_REQUIRED', 'guide §3.1; PRD V1 §13 transition 12', ['NOT_PREAUTHORIZED']),
  edge('REFACTORING', 'WAITING_SPEC_APPROVAL', 'SPEC_UPDATED_DURING_EXECUTION', 'AGENT.md resolution 18; SERVICE_ARCHITECTURE §3.4'),
  edge('REFACTORING', 'REMOTE_HEAD_CONFLICT', 'HEAD_SHA_DRIFTED', 'PRD V2 §12 rule 5; V2-FR-GH-005', ['GITHUB_SOURCE']),
  edge('SELF_HEALING', 'DELIVERED', 'TESTS_PASSED', 'guide §3.1', ['NO_ACTIVE_SANDBOX']),
  edge('SELF_HEALING', 'WAITING_INTERVENTION', 'IDENTICAL_FAILURE_THRESHOLD', 'guide §3.1; V1-FR-TEST-003'),
  edge('SELF_HEALING', 'RECOVERY_PENDING', 'RETRY_BUDGET_EXHAUSTED', 'guide §3.1; PRD V1 §13 transition 11'),
  edge('SELF_HEALING', 'WAITING_ESCALATION_DECISION', 'ESCALATION_REQUIRED', 'guide §3.1; PRD V1 §13 transition 12', ['NOT_PREAUTHORIZED']),
  edge('SELF_HEALING', 'WAITING_SPEC_APPROVAL', 'SPEC_UPDATED_DURING_EXECUTION', 'AGENT.md resolution 18; SERVICE_ARCHITECTURE §3.4'),
  edge('SELF_HEALING', 'REMOTE_HEAD_CONFLICT', 'HEAD_SHA_DRIFTED', 'PRD V2 §12 rule 5; V2-FR-GH-005', ['GITHUB_SOURCE']),
  edge('WAITING_ESCALATION_DECISION', 'SELF_HEALING', 'ESCALATION_CONFIRMED', 'guide §3.1'),
  edge('WAITING_ESCALATION_DECISION', 'SELF_HEALING', 'ESCALATION_TIMEOUT', 'PRD V1 §13 transition 12; V1-FR-ROUTE-003', ['PREAUTHORIZED']),
  edge('WAITING_ESCALATION_DECISION', 'FAILED', 'ESCALATION_TIMEOUT', 'guide §3.1 (ESCALATION_CONFIRMATION_TIMEOUT)', ['NOT_PREAUTHORIZED', 'NO_ACTIVE_SANDBOX']),
  edge('WAITING_INTERVENTION', 'DEEP_FIX_ACTIVE', 'DEEP_FIX_SELECTED', 'guide §3.1; V1-FR-TEST-003A'),
  edge('WAITING_INTERVENTION', 'USER_INTERVENING', 'INTERVENE_SELECTED', 'guide §3.1'),
  edge('WAITING_INTERVENTION', 'SELF_HEALING', 'CONTINUE_SELECTED', 'guide §3.1; PRD V1 §13 transition 8'),
  edge('WAITING_INTERVENTION', 'RECOVERY_PENDING', 'INTERVENTION_DECISION_TIMEOUT', 'V1-FR-TEST-003 (unanswered prompt ends in FALLBACK_REQUIRED)'),
  edge('DEEP_FIX_ACTIVE', 'SELF_HEALING', 'DEEP_FIX_PATCH_READY', 'guide §3.1; V1-FR-TEST-003A'),
  edge('DEEP_FIX_ACTIVE', 'WAITING_INTERVENTION', 'DEEP_FIX_FAILED', 'guide §3.1'),
  edge('USER_INTERVENING', 'SELF_HEALING', 'INTERVENTION_TESTS_PASSED', 'guide §3.1'),
  edge('RECOVERY_PENDING', 'FALLBACK_REQUIRED', 'RECOVERY_PACKAGED', 'guide §3.1; PRD V1 §13 transition 9', ['NO_ACTIVE_SANDBOX']),
  edge('RECOVERY_PENDING', 'FAILED', 'WORKSPACE_RESTORE_FAILED', 'guide §3.1; PRD V1 §13 transition 10', ['NO_ACTIVE_SANDBOX']),
  edge('FALLBACK_REQUIRED', 'WAITING_SPEC_APPROVAL', 'REVISE_SPECS_AND_RERUN', 'guide §3.1-3.2; PRD V1 §13 transition 11'),
  edge('CLIENT_HEARTBEAT_LOST', 'FAILED', 'GRACE_EXPIRED', 'guide §3.1; PRD V1 §13 item 17 (CLIENT_DISCONNECTED)', ['NO_ACTIVE_SANDBOX']),
  edge('REMOTE_HEAD_CONFLICT', 'REMOTE_REBASE_VALIDATING', 'AUTO_REBASE_STARTED', 'PRD V2 §12 rule 19; V2-FR-GH-011; API POST /delivery/github/rebase'),
  ...TERMINAL_STATES.map((to) => edge('REMOTE_WIPE_VERIFYING', to, 'WIPE_VERIFIED', 'PRD V2 §12 rules 6, 8; V2-FR-RUN-007', ['WIPE_EVIDENCE_FOR_TARGET'])),
];

/**
 * States the "any non-terminal state" rules of guide §3.1 apply to. REMOTE_WIPE_VERIFYING has
 * only its own exits (it must not be left without evidence); SYNC_APPLY_CONFLICT is a marker of
 * the local apply of a delivered remote artifact, not of the job (docs/workflow-states.md).
 */
const WILDCARD_EXCLUDED: readonly WorkflowState[] = ['REMOTE_WIPE_VERIFYING', 'SYNC_APPLY_CONFLICT'];
const ANY_NON_TERMINAL = WORKFLOW_STATES.filter((s) => !isTerminal(s) && !WILDCARD_EXCLUDED.includes(s));

const WILDCARD: Transition[] = ANY_NON_TERMINAL.flatMap((from) => [
  ...(from === 'CLIENT_HEARTBEAT_LOST'
    ? []
    : [edge(from, 'CLIENT_HEARTBEAT_LOST', 'HEARTBEAT_GRACE_EXPIRED', 'guide §3.1-3.2; PRD V1 §13 items 15-16', ['IDE_ATTACHED'])]),
  edge(from, 'FAILED', 'CANCELLED_OR_UNRECOVERABLE', 'guide §3.1-3.2 (USER_CANCELLED etc.)', ['NO_ACTIVE_SANDBOX']),
  edge(from, 'REMOTE_WIPE_VERIFYING', 'REMOTE_TERMINATION_REQUESTED', 'PRD V2 §12 rules 6, 8', ['ACTIVE_SANDBOX']),
]);

/** The whole table: explicit edges, then the expanded "any non-terminal state" rules. */
export const TRANSITIONS: readonly Transition[] = Object.freeze([...EXPLICIT, ...WILDCARD]);

/**
 * DELIVERED, FAILED and FALLBACK_REQUIRED (guide §3.1). FALLBACK_REQUIRED still has its
 * documented rerun edge; the other two have no outgoing edge at all.
 * @example isTerminal('FALLBACK_REQUIRED') // true
 */
export function isTerminal(state: WorkflowState): state is TerminalState {
  return (TERMINAL_STATES as readonly string[]).includes(state);
}

export type TransitionDenial = 'UNKNOWN_STATE' | 'TERMINAL_STATE' | 'NO_SUCH_TRANSITION' | 'GUARD_FAILED';
export type TransitionCheck =
  | { ok: true; triggers: string[] }
  | { ok: false; reason: TransitionDenial; detail: string };

const passes = (t: Transition, ctx: TransitionContext) => (t.guards ?? []).every((g) => GUARDS[g](ctx, t.to));

/**
 * Whether `from → to` is legal for this job.
 * @example canTransition('ANALYZING', 'GENERATING_ANALYSIS_REPORT', { tier: 'PRO' }) // { ok: false, reason: 'GUARD_FAILED', ... }
 */
export function canTransition(from: WorkflowState, to: WorkflowState, ctx: TransitionContext = {}): TransitionCheck {
  if (!isWorkflowState(from) || !isWorkflowState(to)) return { ok: false, reason: 'UNKNOWN_STATE', detail: `${String(from)} -> ${String(to)}` };
  const candidates = TRANSITIONS.filter((t) => t.from === from && t.to === to);
  if (candidates.length === 0) {
    return isTerminal(from)
      ? { ok: false, reason: 'TERMINAL_STATE', detail: `${from} is terminal` }
      : { ok: false, reason: 'NO_SUCH_TRANSITION', detail: `${from} -> ${to} is not in the transition table` };
  }
  const open = candidates.filter((t) => passes(t, ctx));
  if (open.length === 0) {
    const failed = [...new Set(candidates.flatMap((t) => (t.guards ?? []).filter((g) => !GUARDS[g](ctx, to))))];
    return { ok: false, reason: 'GUARD_FAILED', detail: `${from} -> ${to} blocked by ${failed.join(', ')}` };
  }
  return { ok: true, triggers: open.map((t) => t.trigger) };
}

export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
  constructor(
    readonly from: WorkflowState,
    readonly to: WorkflowState,
    readonly reason: TransitionDenial,
    detail: string,
  ) {
    super(detail);
  }
}

/**
 * Throws {@link IllegalTransitionError} unless `from → to` is legal.
 * @example assertTransition(job.status, 'DELIVERED', ctx)
 */
export function assertTransition(from: WorkflowState, to: WorkflowState, ctx: TransitionContext = {}): void {
  const check = canTransition(from, to, ctx);
  if (!check.ok) throw new IllegalTransitionError(from, to, check.reason, check.detail);
}

/**
 * Every state reachable in one step from `from` for this job, in table order.
 * @example nextStates('BASELINE_VALIDATION') // ['REFACTORING', 'BASELINE_VALIDATION_FAILED', 'CLIENT_HEARTBEAT_LOST', 'FAILED']
 */
export function nextStates(from: WorkflowState, ctx: TransitionContext = {}): WorkflowState[] {
  return [...new Set(TRANSITIONS.filter((t) => t.from === from && passes(t, ctx)).map((t) => t.to))];
}
