/**
 * @module The client-facing surface of `refactorJobWorkflow` (issue #6; PRD V1 §13; SERVICE_ARCHITECTURE
 * §3.3-§3.4; ARCHITECTURE D3, D5): workflow id, input, policy durations, and every signal, update
 * and query with its payload. Sandbox-safe (only `@temporalio/workflow` and types), so the workflow
 * and the API import the same definitions. This surface is stable: the job API drives it.
 *
 * Updates carry a validator: an action not legal in the current state is rejected before it is
 * written to history, so the API answers a deterministic 409 with `RefactorJobView.status`.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ExecutionMode, FailureReason, ProposalLevel, WorkflowState } from '@iama/contracts';

/** Temporal workflow type (the exported function name in `workflows/index.ts`). */
export const REFACTOR_JOB_WORKFLOW_TYPE = 'refactorJobWorkflow';
/** Temporal workflow type of the Deep Fix child (SERVICE_ARCHITECTURE §3.3). */
export const DEEP_FIX_WORKFLOW_TYPE = 'deepFixWorkflow';

/**
 * One workflow per job: `refactor-job-<job_id>`. A start whose quota reservation is refused ends the
 * run in `PENDING`, so a later `/start` may reuse the id.
 * @example refactorJobWorkflowId('9f0c…') // 'refactor-job-9f0c…'
 */
export function refactorJobWorkflowId(jobId: string): string {
  return `refactor-job-${jobId}`;
}

/**
 * Policy durations and thresholds (ARCHITECTURE D3: from configuration, defaults equal the spec;
 * tests shrink them). Seconds unless named otherwise.
 */
export type RefactorJobPolicy = {
  /** Grace after the first heartbeat loss before `CLIENT_HEARTBEAT_LOST` (PRD V1 §13 items 15-17). */
  heartbeatGraceSeconds: number;
  /** Silence after the last `clientHeartbeat` that counts as a loss (no spec value: decisions.md). */
  heartbeatTimeoutSeconds: number;
  /** `WAITING_ESCALATION_DECISION` confirmation timeout (PRD V1 §13 item 12, V1-FR-ROUTE-003). */
  escalationConfirmationTimeoutSeconds: number;
  /** Deep Fix L3 confirmation timer (AGENT.md resolution 17). */
  deepFixConfirmationTimeoutSeconds: number;
  /** Unanswered intervention prompt → `RECOVERY_PENDING` (V1-FR-TEST-003: "escalation confirmation timeout"). */
  interventionDecisionTimeoutSeconds: number;
  /** How long `FALLBACK_REQUIRED` / `BASELINE_VALIDATION_FAILED` stay open for "Revise Specs" (artifact TTL, 14 days). */
  reviseWindowSeconds: number;
  /** How long a human decision (strategy, approval) may take before the job is failed as abandoned. */
  humanDecisionTimeoutSeconds: number;
  /** Identical-failure threshold (V1-FR-TEST-003). */
  identicalFailureThreshold: number;
  /** Total attempt budget across all phases (V1-FR-TEST-003, PRD V1 §13 item 11). */
  maxTotalAttempts: number;
  /** Client-side test timeout passed in the test request; `null` = client setting (V1-FR-SBX-005). */
  testTimeoutSeconds: number | null;
  /** How long the async `runTests` activity waits for the client's report (SERVICE_ARCHITECTURE §3.3: 15 min). */
  testReportTimeoutSeconds: number;
};

export const DEFAULT_REFACTOR_JOB_POLICY: RefactorJobPolicy = {
  heartbeatGraceSeconds: 300,
  heartbeatTimeoutSeconds: 90,
  escalationConfirmationTimeoutSeconds: 3600,
  deepFixConfirmationTimeoutSeconds: 1800,
  interventionDecisionTimeoutSeconds: 3600,
  reviseWindowSeconds: 14 * 24 * 3600,
  humanDecisionTimeoutSeconds: 14 * 24 * 3600,
  identicalFailureThreshold: 3,
  maxTotalAttempts: 10,
  testTimeoutSeconds: null,
  testReportTimeoutSeconds: 15 * 60,
};

/** A legacy target file as uploaded at job creation (ARCHITECTURE D5: the shadow tree is built from these). */
export type SourceFile = { path: string; content: string };

/** Job-start escalation pre-authorization (V1-FR-ROUTE-003/005). */
export type EscalationPreauthorization = {
  phaseCeiling: 1 | 2 | 3;
  creditBudget: number | null;
  onBudgetExhausted: 'degrade_to_base_model' | 'stop';
};

/** Input of `refactorJobWorkflow`. The `refactor_jobs` row (status `PENDING`) exists before the start. */
export type RefactorJobInput = {
  jobId: string;
  ownerId: string;
  executionMode: ExecutionMode;
  /** IDE session id: heartbeats and the L1 per-session limit (V1-FR-ROUTE-002). */
  sessionId: string;
  /** Uploaded legacy target files (context upload at job creation, D6 addition). */
  targetFiles: SourceFile[];
  refactorContext?: string | null;
  /** Expert Fast-Track (V1-FR-SPEC-005): implicit spec persisted, approval skipped, baseline kept. */
  fastTrack?: boolean;
  escalationPreauthorization?: EscalationPreauthorization | null;
  /** Overrides of {@link DEFAULT_REFACTOR_JOB_POLICY} (tests; operator config). */
  policy?: Partial<RefactorJobPolicy>;
};

/** How a run of the workflow ended (the job row holds the same facts). */
export type RefactorJobResult = {
  jobId: string;
  status: WorkflowState;
  failureReason: FailureReason | null;
};

export type Actor = { actorId: string; surface?: 'IDE' | 'WEB' | 'API' };

export type ProposalView = {
  proposalId: string;
  level: ProposalLevel;
  title: string;
  summary: string;
  riskScore: number;
  estimatedComplexity: string | null;
  technicalAnalysis: unknown;
};

export type FailedTestView = {
  name: string;
  errorClass: string | null;
  location: { file: string; line: number | null; column: number | null } | null;
  excerpt: string | null;
};

export type HeartbeatStatus = 'ACTIVE' | 'PAUSED' | 'GRACE_PERIOD' | 'LOST' | null;

/** What is being waited for, so a client knows which action is legal now. */
export type AwaitedAction =
  | 'QUOTA'
  | 'STRATEGY_SELECTION'
  | 'SPEC_APPROVAL'
  | 'TEST_REPORT'
  | 'BASELINE_DECISION'
  | 'ESCALATION_DECISION'
  | 'INTERVENTION_CHOICE'
  | 'DEEP_FIX_CONFIRMATION'
  | 'INTERVENTION_COMMAND'
  | 'TIMEOUT_RECOVERY_CHOICE'
  | 'REVISE_SPECS'
  | null;

/** The `jobState` query answer: everything the API needs between database reads. */
export type RefactorJobView = {
  jobId: string;
  status: WorkflowState;
  failureReason: FailureReason | null;
  awaiting: AwaitedAction;
  attemptCount: number;
  identicalFailureCount: number;
  failurePatternFingerprint: string | null;
  heartbeat: {
    status: HeartbeatStatus;
    lastHeartbeatAt: string | null;
    graceDeadlineAt: string | null;
  };
  /** Model generation paused by heartbeat loss (PRD V1 §13 item 15). */
  generationPaused: boolean;
  proposals: ProposalView[];
  selectedProposalId: string | null;
  specRevisionId: string | null;
  approvedSpecRevisionId: string | null;
  /** The `test_runs.id` the client is asked to run now (D5), if any. */
  pendingTestRunId: string | null;
  baselineModeUsed: string | null;
  lastFailedTests: FailedTestView[];
  lastPatchSummary: string | null;
  /** Relative path → content of the shadow tree after the last applied patch (delivery, D5). */
  patchedFiles: SourceFile[];
};

// ---------------------------------------------------------------- queries
export const jobStateQuery = defineQuery<RefactorJobView>('jobState');

// ---------------------------------------------------------------- signals
/** Forwarded by the API for each accepted `POST /jobs/:id/heartbeat` (V1-FR-JOB-007). */
export type ClientHeartbeatSignal = { sessionId: string };
export const clientHeartbeatSignal = defineSignal<[ClientHeartbeatSignal]>('clientHeartbeat');

/** Sent by the API after it committed a new `spec_revisions` row (AGENT.md resolution 18). */
export type SpecUpdatedSignal = { specRevisionId: string; actorId: string };
export const specUpdatedDuringExecutionSignal = defineSignal<[SpecUpdatedSignal]>(
  'specUpdatedDuringExecution',
);

// ---------------------------------------------------------------- updates
/** Resolves once the quota gate decided (`POST /jobs/:id/start`): `ANALYZING`, or `PENDING` with the denial. */
export type StartOutcome = {
  status: WorkflowState;
  denial: { errorCode: string; reason: string } | null;
};
export const awaitStartUpdate = defineUpdate<StartOutcome, []>('awaitStart');

/** `POST /jobs/:id/proposals/select` (V1-FR-SPEC-001). */
export type SelectProposalArgs = Actor & { proposalId: string };
export const selectProposalUpdate = defineUpdate<{ status: WorkflowState }, [SelectProposalArgs]>(
  'selectProposal',
);

/**
 * `POST /jobs/:id/spec/approve`. `specRevisionId` names the revision the user saw; a stale one is
 * rejected (no silent approval of a revision the user did not read).
 */
export type ApproveSpecArgs = Actor & { specRevisionId: string };
export const approveSpecUpdate = defineUpdate<
  { status: WorkflowState; approvedSpecRevisionId: string },
  [ApproveSpecArgs]
>('approveSpec');

/** "Revise Specs" (`BASELINE_VALIDATION_FAILED`) and "Revise Specs and Rerun" (`FALLBACK_REQUIRED`): PRD V1 §13 items 6, 11. */
export const reviseSpecsUpdate = defineUpdate<{ status: WorkflowState }, [Actor]>('reviseSpecs');

/** Quarantine / mock overrides after a failed baseline (V1-FR-TEST-005), audited. */
export type BaselineOverrideArgs = Actor & {
  kind: 'QUARANTINE' | 'MOCK';
  testNames: string[];
  reason: string;
};
export const baselineOverrideUpdate = defineUpdate<
  { status: WorkflowState },
  [BaselineOverrideArgs]
>('baselineOverride');

/** Escalation decision in `WAITING_ESCALATION_DECISION` (V1-FR-ROUTE-003). Declining leaves the timer running. */
export type EscalationDecisionArgs = Actor & { confirm: boolean };
export const decideEscalationUpdate = defineUpdate<
  { status: WorkflowState },
  [EscalationDecisionArgs]
>('decideEscalation');

/** The three choices of `WAITING_INTERVENTION` (PRD V1 §13 item 8). */
export type InterventionChoice = 'DEEP_FIX' | 'INTERVENE' | 'CONTINUE';
export type InterventionChoiceArgs = Actor & { choice: InterventionChoice };
/** `modelUpgraded`: Deep Fix dispatches above L1 (L2 for Pro, L3 after confirmation for Max/Enterprise). */
export const chooseInterventionUpdate = defineUpdate<
  { status: WorkflowState; awaiting: AwaitedAction; modelUpgraded: boolean },
  [InterventionChoiceArgs]
>('chooseIntervention');

/** L3 Deep Fix confirmation for Max/Enterprise (V1-FR-TEST-003A, AGENT.md resolution 17). */
export type DeepFixConfirmationArgs = Actor & { confirm: boolean };
export const confirmDeepFixUpdate = defineUpdate<
  { status: WorkflowState },
  [DeepFixConfirmationArgs]
>('confirmDeepFix');

/** `POST /jobs/:id/intervention/command` in `USER_INTERVENING`: a natural-language repair (PRD V1 §13 item 10). */
export type InterventionCommandArgs = Actor & { command: string };
export const interventionCommandUpdate = defineUpdate<
  { status: WorkflowState; commandId: string },
  [InterventionCommandArgs]
>('interventionCommand');

/**
 * `POST /jobs/:id/intervention/run-tests` in `USER_INTERVENING`, optionally with files the user
 * edited by hand; resolves once the test request exists (its `test_runs.id`).
 */
export type InterventionRunTestsArgs = Actor & { files: SourceFile[] };
export const interventionRunTestsUpdate = defineUpdate<
  { status: WorkflowState; testRunId: string },
  [InterventionRunTestsArgs]
>('interventionRunTests');

/** Timeout recovery choices (V1-FR-SBX-007, V1-FR-TEST-008). */
export type TimeoutRecoveryChoice =
  'increase_timeout' | 'skip_or_quarantine_test' | 'continue_repair';
export type TimeoutRecoveryArgs = Actor & {
  choice: TimeoutRecoveryChoice;
  timeoutSeconds?: number;
  testNames?: string[];
};
export const chooseTimeoutRecoveryUpdate = defineUpdate<
  { status: WorkflowState },
  [TimeoutRecoveryArgs]
>('chooseTimeoutRecovery');

/** `DELETE /jobs/:id` (`USER_CANCELLED`) and `POST /jobs/:id/force-terminate` (`FORCE_TERMINATED_BY_USER`). */
export type CancelArgs = Actor & { force?: boolean };
export const cancelJobUpdate = defineUpdate<
  { status: WorkflowState; failureReason: FailureReason },
  [CancelArgs]
>('cancelJob');

// ---------------------------------------------------------------- D5 test hand-off
/**
 * What the `runTests` activity resolves with. The API's report endpoint builds it from the
 * validated `TestReportRequest` body and completes the activity with {@link completeTestRun}.
 */
export type TestRunReport = {
  testRunId: string;
  attemptNumber: number;
  executionMode: Exclude<ExecutionMode, 'REMOTE_SANDBOX'>;
  startedAt: string;
  durationMs: number;
  exitCode: number | null;
  timedOut: boolean;
  infraError: string | null;
  tests: {
    name: string;
    status: 'PASSED' | 'FAILED' | 'SKIPPED' | 'TIMEOUT';
    errorClass: string | null;
    location: { file: string; line: number | null; column: number | null } | null;
    excerpt: string | null;
    durationMs: number;
  }[];
};
