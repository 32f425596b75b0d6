/**
 * @module `refactorJobWorkflow` (issue #6; PRD V1 §13; SERVICE_ARCHITECTURE §3.3-§4): the durable
 * state machine of one refactor job. Every status change is checked against the contracts
 * transition table and written by the `transitionJob` activity with its audit event; the workflow
 * holds the shadow file tree and the attempt bookkeeping; the client surface is `./api`.
 */
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  executeChild,
  isCancellation,
  setHandler,
  uuid4,
  workflowInfo,
  ActivityFailure,
  ChildWorkflowFailure,
} from '@temporalio/workflow';
import {
  canTransition,
  isTerminal,
  TIER_MATRIX,
  type FailureReason,
  type ProposalItem,
  type TransitionContext,
  type WorkflowState,
} from '@iama/contracts';
import type { JobEntitlement } from '../../activities/refactor-job/quota';
import type { SpecRevision } from '../../activities/refactor-job/planning';
import type { TestRunVerdict } from '../../activities/refactor-job/test-classification';
import type { PatchApplyOutcome } from '../../activities/refactor-job/patching';
import type { TestRunType } from '../../activities/refactor-job/test-runs';
import {
  apply,
  db,
  generation,
  proposal as proposalActs,
  scope,
  testRuns,
} from './activity-options';
import {
  approveSpecUpdate,
  awaitStartUpdate,
  baselineOverrideUpdate,
  cancelJobUpdate,
  chooseInterventionUpdate,
  chooseTimeoutRecoveryUpdate,
  clientHeartbeatSignal,
  confirmDeepFixUpdate,
  decideEscalationUpdate,
  DEFAULT_REFACTOR_JOB_POLICY,
  interventionCommandUpdate,
  interventionRunTestsUpdate,
  jobStateQuery,
  reviseSpecsUpdate,
  selectProposalUpdate,
  specUpdatedDuringExecutionSignal,
  type Actor,
  type AwaitedAction,
  type FailedTestView,
  type HeartbeatStatus,
  type InterventionChoice,
  type ProposalView,
  type RefactorJobInput,
  type RefactorJobPolicy,
  type RefactorJobResult,
  type SourceFile,
  type StartOutcome,
  type TestRunReport,
  type TimeoutRecoveryChoice,
} from './api';
import { deepFixWorkflow, type DeepFixResult } from './deep-fix';

type StopRequest =
  | { kind: 'CANCEL'; reason: 'USER_CANCELLED' | 'FORCE_TERMINATED_BY_USER'; actor: Actor }
  | { kind: 'HEARTBEAT_LOST' };
/** Thrown inside the execution scope when a committed spec revision must interrupt it (AGENT.md resolution 18). */
const SPEC_UPDATED = 'SPEC_UPDATED_DURING_EXECUTION';
const EXECUTION_STATES: readonly WorkflowState[] = ['REFACTORING', 'SELF_HEALING'];
const ms = (seconds: number) => seconds * 1000;

/** Tiers whose L2 repair escalation is a charge the user must confirm (V1-FR-ROUTE-003). */
const REPAIR_ESCALATION_ITERATION = 4;

export async function refactorJobWorkflow(input: RefactorJobInput): Promise<RefactorJobResult> {
  const policy: RefactorJobPolicy = { ...DEFAULT_REFACTOR_JOB_POLICY, ...input.policy };
  const tests = testRuns(policy.testReportTimeoutSeconds);

  // ------------------------------------------------------------ state
  let status: WorkflowState = 'PENDING';
  let failureReason: FailureReason | null = null;
  let awaiting: AwaitedAction = null;
  let startOutcome: StartOutcome | null = null;
  let entitlement: JobEntitlement | null = null;
  const counters = {
    attemptCount: 0,
    identicalFailureCount: 0,
    failurePatternFingerprint: null as string | null,
  };
  /** Attempts against the total budget since the last spec revision; Deep Fix resets `attemptCount` only (decisions.md). */
  let budgetUsed = 0;
  /** `test_runs` / `patch_attempts` attempt numbers: monotonic per job (decisions.md). */
  let runNumber = 0;
  const originalFiles: SourceFile[] = input.targetFiles.map((f) => ({ ...f }));
  let shadow: SourceFile[] = originalFiles;
  let proposals: (ProposalItem & { proposalId: string })[] = [];
  let selectedProposalId: string | null = null;
  let spec: SpecRevision | null = null;
  let latestSpecRevisionId: string | null = null;
  let approvedSpec: SpecRevision | null = null;
  let testPlan: { framework: string; baselineMode: string; testFiles: SourceFile[] } | null = null;
  let baselineModeUsed: string | null = null;
  let pendingTestRunId: string | null = null;
  let lastFailedTests: FailedTestView[] = [];
  let lastPatchSummary: string | null = null;
  let escalationApproved = false;
  let testTimeoutSeconds = policy.testTimeoutSeconds;
  const quarantined = new Set<string>();
  let chargePointReached = false;
  // Pending user decisions, consumed by the main flow.
  let selection: { proposalId: string; actor: Actor } | null = null;
  let approval: { specRevisionId: string; actor: Actor } | null = null;
  let revise: Actor | null = null;
  let override: {
    kind: 'QUARANTINE' | 'MOCK';
    testNames: string[];
    reason: string;
    actor: Actor;
  } | null = null;
  let escalationDecision: boolean | null = null;
  let interventionChoice: { choice: InterventionChoice; actor: Actor } | null = null;
  let deepFixConfirmation: boolean | null = null;
  let timeoutChoice: {
    choice: TimeoutRecoveryChoice;
    timeoutSeconds?: number;
    testNames?: string[];
  } | null = null;
  const commands: { commandId: string; command: string; actor: Actor }[] = [];
  let runTestsRequest: { files: SourceFile[]; actor: Actor } | null = null;
  let stop: StopRequest | null = null;
  let specUpdatePending = false;
  // Heartbeat (V1-FR-JOB-007).
  const ideAttached = input.executionMode !== 'REMOTE_SANDBOX';
  let beats = 0;
  let heartbeatStatus: HeartbeatStatus = null;
  let lastHeartbeatAt: string | null = null;
  let graceDeadlineAt: string | null = null;
  let generationPaused = false;
  const generationScopes = new Set<CancellationScope>();

  const ctx = (): TransitionContext => ({
    ...(entitlement
      ? { tier: entitlement.tier, enterpriseTrial: entitlement.enterpriseTrial }
      : {}),
    executionMode: input.executionMode,
    source: 'IDE',
    escalationPreauthorized: preauthorizedFor(2),
  });
  const preauthorizedFor = (phase: 2 | 3) =>
    entitlement?.preauthorization != null && entitlement.preauthorization.phaseCeiling >= phase;
  const actorOf = (a: Actor | null | undefined) => ({
    actorId: a?.actorId ?? null,
    surface: a?.surface ?? ('SYSTEM' as const),
  });

  // ------------------------------------------------------------ transitions (the only status writer is the activity)
  async function transition(
    to: WorkflowState,
    trigger: string,
    extra: {
      failureReason?: FailureReason;
      actor?: Actor | null;
      resetCounters?: boolean;
      writeCounters?: boolean;
      metadata?: Record<string, unknown>;
    } = {},
  ): Promise<void> {
    const check = canTransition(status, to, ctx());
    if (!check.ok)
      throw ApplicationFailure.nonRetryable(check.detail, 'ILLEGAL_TRANSITION', {
        from: status,
        to,
        reason: check.reason,
      });
    if (extra.resetCounters) {
      counters.attemptCount = 0;
      counters.identicalFailureCount = 0;
      counters.failurePatternFingerprint = null;
      budgetUsed = 0;
    }
    const from = status;
    // Never abandoned half-way: a cancelled scope still sees the write it started.
    await CancellationScope.nonCancellable(() =>
      db.transitionJob({
        jobId: input.jobId,
        transitionId: uuid4(),
        from,
        to,
        trigger,
        ctx: ctx(),
        ...(extra.failureReason ? { failureReason: extra.failureReason } : {}),
        ...actorOf(extra.actor),
        ...(extra.resetCounters || extra.writeCounters ? { counters: { ...counters } } : {}),
        ...(to === 'REFACTORING' ? { baselineModeUsed } : {}),
        ...(extra.metadata ? { metadata: extra.metadata } : {}),
      }),
    );
    status = to;
    if (extra.failureReason) failureReason = extra.failureReason;
  }

  const persistCounters = () =>
    CancellationScope.nonCancellable(() =>
      db.updateJobCounters({ jobId: input.jobId, counters: { ...counters } }),
    );

  // ------------------------------------------------------------ handlers
  const view = () => ({
    jobId: input.jobId,
    status,
    failureReason,
    awaiting,
    attemptCount: counters.attemptCount,
    identicalFailureCount: counters.identicalFailureCount,
    failurePatternFingerprint: counters.failurePatternFingerprint,
    heartbeat: { status: heartbeatStatus, lastHeartbeatAt, graceDeadlineAt },
    generationPaused,
    proposals: proposals.map((p): ProposalView => ({
      proposalId: p.proposalId,
      level: p.level,
      title: p.title,
      summary: p.summary,
      riskScore: p.risk_score,
      estimatedComplexity: p.estimated_complexity,
      technicalAnalysis: p.technical_analysis,
    })),
    selectedProposalId,
    specRevisionId: latestSpecRevisionId,
    approvedSpecRevisionId: approvedSpec?.specRevisionId ?? null,
    pendingTestRunId,
    baselineModeUsed,
    lastFailedTests,
    lastPatchSummary,
    patchedFiles: shadow,
  });
  setHandler(jobStateQuery, view);

  const reject = (message: string) => {
    throw ApplicationFailure.nonRetryable(message, 'JOB_STATE_CONFLICT', { status, awaiting });
  };
  const requireAwaiting = (state: WorkflowState, action: AwaitedAction) => {
    if (status !== state || awaiting !== action)
      reject(`not legal in ${status}${awaiting ? ` (awaiting ${awaiting})` : ''}`);
  };
  const requireLegal = (to: WorkflowState) => {
    const check = canTransition(status, to, ctx());
    if (!check.ok) reject(check.detail);
  };
  const settled = (from: WorkflowState) => condition(() => status !== from || stop !== null);

  setHandler(clientHeartbeatSignal, () => {
    beats++;
    lastHeartbeatAt = new Date().toISOString();
  });
  setHandler(specUpdatedDuringExecutionSignal, ({ specRevisionId }) => {
    latestSpecRevisionId = specRevisionId;
    if (EXECUTION_STATES.includes(status)) {
      specUpdatePending = true;
      for (const s of executionScopes) s.cancel();
    }
  });
  setHandler(awaitStartUpdate, async () => {
    await condition(() => startOutcome !== null);
    return startOutcome!;
  });
  setHandler(
    selectProposalUpdate,
    async (args) => {
      selection = { proposalId: args.proposalId, actor: args };
      await settled('WAITING_STRATEGY');
      return { status };
    },
    {
      validator: (args) => {
        requireAwaiting('WAITING_STRATEGY', 'STRATEGY_SELECTION');
        requireLegal('WAITING_SPEC_APPROVAL');
        if (!proposals.some((p) => p.proposalId === args.proposalId))
          reject(`unknown proposal ${args.proposalId}`);
      },
    },
  );
  setHandler(
    approveSpecUpdate,
    async (args) => {
      approval = { specRevisionId: args.specRevisionId, actor: args };
      await settled('WAITING_SPEC_APPROVAL');
      return { status, approvedSpecRevisionId: args.specRevisionId };
    },
    {
      validator: (args) => {
        requireAwaiting('WAITING_SPEC_APPROVAL', 'SPEC_APPROVAL');
        // The user approves what they saw: a stale revision is a conflict, never a silent approval.
        if (args.specRevisionId !== latestSpecRevisionId)
          reject(`revision ${args.specRevisionId} is not the current revision`);
      },
    },
  );
  setHandler(
    reviseSpecsUpdate,
    async (args) => {
      revise = args;
      await condition(() => status === 'WAITING_SPEC_APPROVAL' || stop !== null);
      return { status };
    },
    {
      validator: (_args) => {
        if (awaiting !== 'REVISE_SPECS' && awaiting !== 'BASELINE_DECISION')
          reject(`Revise Specs is not legal in ${status}`);
        requireLegal('WAITING_SPEC_APPROVAL');
      },
    },
  );
  setHandler(
    baselineOverrideUpdate,
    async (args) => {
      override = { kind: args.kind, testNames: args.testNames, reason: args.reason, actor: args };
      await settled('BASELINE_VALIDATION_FAILED');
      return { status };
    },
    {
      validator: (args) => {
        requireAwaiting('BASELINE_VALIDATION_FAILED', 'BASELINE_DECISION');
        if (args.testNames.length === 0) reject('name at least one test to quarantine or mock');
      },
    },
  );
  setHandler(
    decideEscalationUpdate,
    async (args) => {
      escalationDecision = args.confirm;
      if (args.confirm) await settled('WAITING_ESCALATION_DECISION');
      return { status };
    },
    { validator: (_args) => requireAwaiting('WAITING_ESCALATION_DECISION', 'ESCALATION_DECISION') },
  );
  setHandler(
    chooseInterventionUpdate,
    async (args) => {
      interventionChoice = { choice: args.choice, actor: args };
      await condition(
        () =>
          status !== 'WAITING_INTERVENTION' ||
          awaiting === 'DEEP_FIX_CONFIRMATION' ||
          stop !== null,
      );
      return {
        status,
        awaiting,
        modelUpgraded: args.choice === 'DEEP_FIX' && deepFixModelClass() !== 'L1',
      };
    },
    {
      validator: (args) => {
        requireAwaiting('WAITING_INTERVENTION', 'INTERVENTION_CHOICE');
        const to =
          args.choice === 'DEEP_FIX'
            ? 'DEEP_FIX_ACTIVE'
            : args.choice === 'INTERVENE'
              ? 'USER_INTERVENING'
              : 'SELF_HEALING';
        requireLegal(to);
      },
    },
  );
  setHandler(
    confirmDeepFixUpdate,
    async (args) => {
      deepFixConfirmation = args.confirm;
      await condition(
        () =>
          status !== 'WAITING_INTERVENTION' || awaiting === 'INTERVENTION_CHOICE' || stop !== null,
      );
      return { status };
    },
    { validator: (_args) => requireAwaiting('WAITING_INTERVENTION', 'DEEP_FIX_CONFIRMATION') },
  );
  setHandler(
    interventionCommandUpdate,
    (args) => {
      const commandId = uuid4();
      commands.push({ commandId, command: args.command, actor: args });
      return Promise.resolve({ status, commandId });
    },
    {
      validator: (args) => {
        requireAwaiting('USER_INTERVENING', 'INTERVENTION_COMMAND');
        if (!args.command.trim()) reject('empty command');
      },
    },
  );
  setHandler(
    interventionRunTestsUpdate,
    async (args) => {
      runTestsRequest = { files: args.files, actor: args };
      await condition(() => pendingTestRunId !== null || stop !== null);
      return { status, testRunId: pendingTestRunId ?? '' };
    },
    { validator: (_args) => requireAwaiting('USER_INTERVENING', 'INTERVENTION_COMMAND') },
  );
  setHandler(
    chooseTimeoutRecoveryUpdate,
    async (args) => {
      timeoutChoice = {
        choice: args.choice,
        ...(args.timeoutSeconds ? { timeoutSeconds: args.timeoutSeconds } : {}),
        ...(args.testNames ? { testNames: args.testNames } : {}),
      };
      await condition(() => awaiting !== 'TIMEOUT_RECOVERY_CHOICE' || stop !== null);
      return { status };
    },
    {
      validator: (args) => {
        requireAwaiting('SELF_HEALING', 'TIMEOUT_RECOVERY_CHOICE');
        if (args.choice === 'increase_timeout' && !(args.timeoutSeconds && args.timeoutSeconds > 0))
          reject('increase_timeout needs timeoutSeconds');
      },
    },
  );
  setHandler(
    cancelJobUpdate,
    async (args) => {
      stop ??= {
        kind: 'CANCEL',
        reason: args.force ? 'FORCE_TERMINATED_BY_USER' : 'USER_CANCELLED',
        actor: args,
      };
      await condition(() => isTerminal(status) && finished);
      return { status, failureReason: failureReason ?? 'USER_CANCELLED' };
    },
    {
      validator: (_args) => {
        if (isTerminal(status) || stop !== null) reject(`job is ${status}`);
        requireLegal('FAILED');
      },
    },
  );

  // ------------------------------------------------------------ heartbeat watchdog (PRD V1 §13 items 15-17)
  async function heartbeatWatchdog(): Promise<void> {
    if (!ideAttached) return;
    // A job is IDE-attached from its first heartbeat on (decisions.md).
    await condition(() => beats > 0 || finished || isTerminal(status));
    heartbeatStatus = 'ACTIVE';
    while (!finished && !isTerminal(status)) {
      const seen = beats;
      const alive = await condition(
        () => beats !== seen || finished || isTerminal(status),
        ms(policy.heartbeatTimeoutSeconds),
      );
      if (finished || isTerminal(status)) return;
      if (alive) continue;
      // Loss: pause token generation at once, then the grace window.
      generationPaused = true;
      for (const s of generationScopes) s.cancel();
      heartbeatStatus = 'GRACE_PERIOD';
      graceDeadlineAt = new Date(Date.now() + ms(policy.heartbeatGraceSeconds)).toISOString();
      await recordHeartbeat('GRACE_PERIOD');
      const recovered = await condition(
        () => beats !== seen || finished || isTerminal(status),
        ms(policy.heartbeatGraceSeconds),
      );
      if (finished || isTerminal(status)) return;
      if (recovered) {
        graceDeadlineAt = null;
        await recordHeartbeat('RECOVERED');
        generationPaused = false;
        heartbeatStatus = 'ACTIVE';
        continue;
      }
      heartbeatStatus = 'LOST';
      await recordHeartbeat('LOST');
      stop ??= { kind: 'HEARTBEAT_LOST' };
      return;
    }
  }
  const recordHeartbeat = (s: 'GRACE_PERIOD' | 'LOST' | 'RECOVERED') =>
    CancellationScope.nonCancellable(() =>
      db.recordHeartbeatStatus({
        jobId: input.jobId,
        sessionId: input.sessionId,
        workflowRunId: workflowInfo().runId,
        status: s,
        graceSeconds: policy.heartbeatGraceSeconds,
        graceDeadlineAt,
      }),
    );

  /** Model generation: paused while the heartbeat is lost, restarted after recovery (never billed twice: ledger keys are per attempt). */
  async function generate<T>(fn: () => Promise<T>): Promise<T> {
    for (;;) {
      await condition(() => !generationPaused);
      const s = new CancellationScope();
      generationScopes.add(s);
      try {
        return await s.run(fn);
      } catch (err) {
        if (isCancellation(err) && generationPaused && stop === null && !specUpdatePending)
          continue;
        throw err;
      } finally {
        generationScopes.delete(s);
      }
    }
  }

  // ------------------------------------------------------------ the job
  const executionScopes = new Set<CancellationScope>();
  let finished = false;

  async function reserve(): Promise<boolean> {
    await transition('QUOTA_RESERVING', 'START_REQUESTED');
    const r = await db.reserveQuotaAndSnapshot({
      jobId: input.jobId,
      ownerId: input.ownerId,
      executionMode: input.executionMode,
      preauthorization: input.escalationPreauthorization ?? null,
    });
    if (!r.ok) {
      await transition('PENDING', 'QUOTA_RESERVATION_DENIED', { metadata: { denial: r.reason } });
      startOutcome = { status, denial: { errorCode: r.errorCode, reason: r.reason } };
      return false;
    }
    entitlement = r.entitlement;
    await transition('ANALYZING', 'QUOTA_RESERVED', {
      metadata: { reservation_id: r.reservationId, tier: r.entitlement.tier },
    });
    startOutcome = { status, denial: null };
    return true;
  }

  const callBase = () => ({
    jobId: input.jobId,
    ownerId: input.ownerId,
    sessionId: input.sessionId,
    entitlement: entitlement!,
  });

  async function analyze(): Promise<void> {
    const attemptNumber = ++runNumber;
    const items = await generate(() =>
      scope.analyzeScope({
        ...callBase(),
        stage: 'planning',
        attemptNumber,
        files: originalFiles,
        refactorContext: input.refactorContext ?? null,
      }),
    );
    proposals = items.map((p) => ({ ...p, proposalId: uuid4() }));
    if (entitlement!.tier === 'ENTERPRISE') {
      await transition('GENERATING_ANALYSIS_REPORT', 'SCOPE_ANALYSIS_COMPLETE');
      await transition('WAITING_STRATEGY', 'ANALYSIS_REPORT_READY', {
        metadata: { report: 'NOT_PRODUCED' },
      });
    } else {
      await transition('WAITING_STRATEGY', 'SCOPE_ANALYSIS_COMPLETE', {
        metadata: { proposals: proposals.map((p) => p.level) },
      });
    }
  }

  async function chooseStrategy(): Promise<ProposalItem> {
    awaiting = 'STRATEGY_SELECTION';
    await condition(() => selection !== null);
    awaiting = null;
    const chosen = proposals.find((p) => p.proposalId === selection!.proposalId)!;
    selectedProposalId = chosen.proposalId;
    await transition('WAITING_SPEC_APPROVAL', 'PROPOSAL_SELECTED', {
      actor: selection!.actor,
      metadata: { proposal_id: chosen.proposalId, level: chosen.level },
    });
    return chosen;
  }

  async function extractSpec(chosen: ProposalItem): Promise<void> {
    const attemptNumber = runNumber + 1;
    runNumber += 2; // bdd and sdd calls
    spec = await generate(() =>
      proposalActs.extractSpec({
        ...callBase(),
        stage: 'planning',
        attemptNumber,
        files: originalFiles,
        proposal: chosen,
        specRevisionId: uuid4(),
        revisionToken: uuid4(),
      }),
    );
    latestSpecRevisionId = spec.specRevisionId;
  }

  async function approveSpec(): Promise<void> {
    if (input.fastTrack && approvedSpec === null && spec) {
      // Expert Fast-Track (V1-FR-SPEC-005): the implicit spec is persisted; approval is automatic, baseline still runs.
      approvedSpec = spec;
      await transition('GENERATING_TESTS', 'SPEC_APPROVED', {
        metadata: { spec_revision_id: spec.specRevisionId, fast_track: true },
      });
      return;
    }
    approval = null;
    awaiting = 'SPEC_APPROVAL';
    await condition(() => approval !== null);
    awaiting = null;
    const approved = await db.loadSpecRevision({
      jobId: input.jobId,
      specRevisionId: approval!.specRevisionId,
    });
    if (!approved)
      throw ApplicationFailure.nonRetryable(
        `spec revision ${approval!.specRevisionId} is not a revision of this job`,
        'SPEC_REVISION_NOT_FOUND',
      );
    approvedSpec = approved;
    await transition('GENERATING_TESTS', 'SPEC_APPROVED', {
      actor: approval!.actor,
      metadata: { spec_revision_id: approvedSpec!.specRevisionId },
    });
  }

  async function generateTests(): Promise<void> {
    // Billing checkpoint: the point of no return (PRD V1 §13 items 18-19, V1-FR-BIL-006).
    await db.recordBillingCheckpoint({
      jobId: input.jobId,
      workflowState: 'GENERATING_TESTS',
      checkpointType: 'PRE_CHARGE',
      chargePolicy: 'CHARGEABLE_AFTER_GENERATING_TESTS',
    });
    chargePointReached = true;
    const attemptNumber = ++runNumber;
    testPlan = await generate(() =>
      generation.generateTests({
        ...callBase(),
        stage: 'test_generation',
        attemptNumber,
        files: originalFiles,
        spec: approvedSpec!,
      }),
    );
    await transition('BASELINE_VALIDATION', 'TESTS_GENERATED', {
      metadata: {
        spec_revision_id: approvedSpec!.specRevisionId,
        test_files: testPlan.testFiles.map((f) => f.path),
      },
    });
  }

  /** `number`: the attempt's own number (its patch attempt's); otherwise the next one. */
  async function runTests(
    runType: TestRunType,
    sourceFiles: SourceFile[],
    number = ++runNumber,
  ): Promise<TestRunVerdict & { testRunId: string }> {
    const testRunId = uuid4();
    pendingTestRunId = testRunId;
    awaiting = 'TEST_REPORT';
    let report: TestRunReport;
    try {
      report = await tests.requestTestRun({
        jobId: input.jobId,
        testRunId,
        specRevisionId: approvedSpec!.specRevisionId,
        runNumber: number,
        runType,
        phase: 1,
        executionMode: input.executionMode,
        framework: testPlan!.framework,
        testFiles: testPlan!.testFiles,
        sourceFiles,
        timeoutSeconds: testTimeoutSeconds,
      });
    } finally {
      pendingTestRunId = null;
      awaiting = null;
    }
    // Quarantined tests (V1-FR-TEST-005) do not count, in the baseline or later.
    const kept = { ...report, tests: report.tests.filter((t) => !quarantined.has(t.name)) };
    const verdict = await db.recordTestRunResult({ jobId: input.jobId, report: kept });
    lastFailedTests = verdict.failedTests;
    return verdict;
  }

  /** Baseline gate (V1-FR-TEST-002); `false` when the user chose Revise Specs. */
  async function baseline(): Promise<boolean> {
    for (;;) {
      const verdict = await runTests('BASELINE', []);
      if (verdict.status === 'PASSED') {
        baselineModeUsed = testPlan!.baselineMode;
        await transition('REFACTORING', 'BASELINE_PASSED', {
          metadata: { test_run_id: verdict.testRunId, baseline_mode: baselineModeUsed },
        });
        return true;
      }
      await transition('BASELINE_VALIDATION_FAILED', 'BASELINE_FAILED', {
        metadata: { test_run_id: verdict.testRunId, failure_class: verdict.failureClass },
      });
      revise = null;
      override = null;
      awaiting = 'BASELINE_DECISION';
      await condition(() => revise !== null || override !== null);
      awaiting = null;
      if (revise) {
        await transition('WAITING_SPEC_APPROVAL', 'REVISE_SPECS', {
          actor: revise,
          resetCounters: true,
        });
        return false;
      }
      const o = override!;
      o.testNames.forEach((n) => quarantined.add(n));
      await transition('BASELINE_VALIDATION', 'QUARANTINE_OR_MOCK_OVERRIDE', {
        actor: o.actor,
        metadata: { kind: o.kind, test_names: o.testNames, reason: o.reason },
      });
    }
  }

  type ExecOutcome = 'DELIVERED' | 'FALLBACK' | 'SPEC_UPDATED';

  /** Fingerprint bookkeeping of a failed attempt (V1-FR-TEST-003). */
  function recordFailure(fingerprint: string | null): void {
    if (fingerprint !== null && fingerprint === counters.failurePatternFingerprint)
      counters.identicalFailureCount++;
    else {
      counters.identicalFailureCount = 1;
      counters.failurePatternFingerprint = fingerprint;
    }
  }

  /** One generate → apply → test attempt. Returns the verdict, or a failed-apply pseudo verdict. */
  async function attempt(
    kind: 'REFACTOR' | 'REPAIR',
    errorOutput?: string,
  ): Promise<{ passed: boolean; fingerprint: string | null; timeout: boolean }> {
    counters.attemptCount++;
    budgetUsed++;
    const iteration = counters.attemptCount;
    const repairClass =
      kind === 'REPAIR' &&
      iteration >= REPAIR_ESCALATION_ITERATION &&
      TIER_MATRIX[entitlement!.tier].phases.includes(2)
        ? 'L2'
        : 'L1';
    const attemptNumber = ++runNumber;
    const gen = await generate(() =>
      generation.generatePatch({
        ...callBase(),
        stage: kind === 'REFACTOR' ? 'refactor_generation' : 'repair',
        attemptNumber,
        iteration,
        modelClass: repairClass,
        userConfirmed: repairClass !== 'L1' && escalationApproved,
        files: shadow,
        approvedSpec: specTextOf(approvedSpec!),
        testFiles: testPlan!.testFiles,
        ...(errorOutput ? { errorOutput } : {}),
      }),
    );
    const applied = await apply.applyPatch({
      jobId: input.jobId,
      patchAttemptId: gen.patchAttemptId,
      files: shadow,
      patch: gen.patch,
    });
    lastPatchSummary = applied.summary;
    if (!applied.ok) {
      // A patch that does not apply is a failed attempt with its own fingerprint (reasons + paths).
      const fp = `apply:${applied.failures.map((f) => `${f.reason}@${f.path ?? ''}#${f.index}`).join('|')}`;
      lastFailedTests = [];
      return { passed: false, fingerprint: fp, timeout: false };
    }
    shadow = applied.files;
    const verdict = await runTests('REPAIR', shadow, attemptNumber);
    await db.linkPatchToTestRun({
      patchAttemptId: gen.patchAttemptId,
      testRunId: verdict.testRunId,
    });
    if (verdict.status === 'PASSED') return { passed: true, fingerprint: null, timeout: false };
    if (verdict.failureClass === 'INFRA_FAILURE')
      throw ApplicationFailure.nonRetryable('the client could not run the tests', 'INFRA_FAILURE');
    return {
      passed: false,
      fingerprint: verdict.fingerprint,
      timeout: verdict.failureClass === 'TIMEOUT_EXECUTION',
    };
  }

  const errorOutputOf = () =>
    lastFailedTests.length
      ? lastFailedTests
          .map(
            (t) =>
              `${t.name}: ${t.errorClass ?? 'Error'} at ${t.location ? `${t.location.file}:${t.location.line ?? ''}` : '?'}\n${t.excerpt ?? ''}`,
          )
          .join('\n')
      : (lastPatchSummary ?? 'the previous patch did not apply');

  async function deliver(): Promise<ExecOutcome> {
    await transition('DELIVERED', 'TESTS_PASSED', {
      writeCounters: true,
      metadata: { files: shadow.map((f) => f.path) },
    });
    await db.settleReservation({ jobId: input.jobId, outcome: 'COMMIT', reason: 'DELIVERED' });
    return 'DELIVERED';
  }

  async function fallback(
    trigger: 'RETRY_BUDGET_EXHAUSTED' | 'INTERVENTION_DECISION_TIMEOUT',
  ): Promise<ExecOutcome> {
    await transition('RECOVERY_PENDING', trigger, { writeCounters: true });
    // Restore: the client's workspace was never written (non-destructive mode, V1-FR-JOB-005); the
    // evidence (test runs, patch attempts, fingerprint, patched files) is already persisted.
    await transition('FALLBACK_REQUIRED', 'RECOVERY_PACKAGED', {
      metadata: {
        last_patch_summary: lastPatchSummary,
        identical_failure_count: counters.identicalFailureCount,
      },
    });
    await db.settleReservation({
      jobId: input.jobId,
      outcome: 'COMMIT',
      reason: 'FALLBACK_REQUIRED',
    });
    return 'FALLBACK';
  }

  const deepFixModelClass = (): 'L1' | 'L2' | 'L3' => {
    const p = entitlement ? TIER_MATRIX[entitlement.tier].deepFix : 'NONE';
    return p === 'L3_WITH_CONFIRMATION' ? 'L3' : p === 'CONTEXT_RESET_L2' ? 'L2' : 'L1';
  };

  /** WAITING_INTERVENTION and what follows it; returns the next outcome or `null` to continue healing. */
  async function intervention(): Promise<
    ExecOutcome | 'FAILED' | 'CONTINUE' | 'DEEP_FIXED' | 'INTERVENTION_PASSED'
  > {
    for (;;) {
      interventionChoice = null;
      awaiting = 'INTERVENTION_CHOICE';
      const answered = await condition(
        () => interventionChoice !== null,
        ms(policy.interventionDecisionTimeoutSeconds),
      );
      awaiting = null;
      if (!answered) return fallback('INTERVENTION_DECISION_TIMEOUT');
      const { choice, actor } = interventionChoice!;
      if (choice === 'CONTINUE') {
        await transition('SELF_HEALING', 'CONTINUE_SELECTED', { actor });
        return 'CONTINUE';
      }
      if (choice === 'INTERVENE') {
        await transition('USER_INTERVENING', 'INTERVENE_SELECTED', { actor });
        await userIntervening();
        return 'INTERVENTION_PASSED';
      }
      const modelClass = deepFixModelClass();
      if (modelClass === 'L3') {
        // AGENT.md resolution 17: the L3 confirmation waits at most the configured timer.
        deepFixConfirmation = null;
        awaiting = 'DEEP_FIX_CONFIRMATION';
        const confirmed = await condition(
          () => deepFixConfirmation !== null,
          ms(policy.deepFixConfirmationTimeoutSeconds),
        );
        awaiting = null;
        if (!confirmed) {
          await db.recordBillingCheckpoint({
            jobId: input.jobId,
            workflowState: 'WAITING_INTERVENTION',
            checkpointType: 'POST_CHARGE',
            chargePolicy: 'NON_BILLABLE_DISCONNECT',
          });
          await transition('FAILED', 'CANCELLED_OR_UNRECOVERABLE', {
            failureReason: 'INTERVENTION_TIMEOUT',
            writeCounters: true,
          });
          await db.settleReservation({
            jobId: input.jobId,
            outcome: 'RELEASE',
            reason: 'INTERVENTION_TIMEOUT',
          });
          return 'FAILED';
        }
        if (!deepFixConfirmation) continue;
      }
      await transition('DEEP_FIX_ACTIVE', 'DEEP_FIX_SELECTED', {
        actor,
        metadata: { model_class: modelClass },
      });
      runNumber++;
      budgetUsed++;
      const result: DeepFixResult = await executeChild(deepFixWorkflow, {
        workflowId: `deep-fix-${input.jobId}-${runNumber}`,
        args: [
          {
            ...callBase(),
            attemptNumber: runNumber,
            modelClass,
            userConfirmed: true,
            originalFiles,
            testFiles: testPlan!.testFiles,
            approvedSpec: specTextOf(approvedSpec!),
            proposal: null,
          },
        ],
      });
      lastPatchSummary = result.outcome.summary;
      if (!result.outcome.ok) {
        await transition('WAITING_INTERVENTION', 'DEEP_FIX_FAILED', {
          metadata: { summary: result.outcome.summary },
        });
        continue;
      }
      shadow = (result.outcome as Extract<PatchApplyOutcome, { ok: true }>).files;
      // V1-FR-TEST-003A: fresh attempt counter after the Deep Fix patch (the total budget still counts).
      counters.attemptCount = 0;
      counters.identicalFailureCount = 0;
      counters.failurePatternFingerprint = null;
      await transition('SELF_HEALING', 'DEEP_FIX_PATCH_READY', {
        writeCounters: true,
        metadata: { patch_attempt_id: result.patchAttemptId, model_class: result.modelClass },
      });
      return 'DEEP_FIXED';
    }
  }

  /** USER_INTERVENING: commands and manual edits until a test run passes (PRD V1 §13 item 10). */
  async function userIntervening(): Promise<void> {
    for (;;) {
      awaiting = 'INTERVENTION_COMMAND';
      await condition(() => commands.length > 0 || runTestsRequest !== null);
      awaiting = null;
      const cmd = commands.shift();
      if (cmd) {
        runNumber++;
        const gen = await generate(() =>
          generation.generatePatch({
            ...callBase(),
            stage: 'fallback_conversation',
            attemptNumber: runNumber,
            files: shadow,
            approvedSpec: specTextOf(approvedSpec!),
            testFiles: testPlan!.testFiles,
            errorOutput: `${errorOutputOf()}\nUser command: ${cmd.command}`,
          }),
        );
        const applied = await apply.applyPatch({
          jobId: input.jobId,
          patchAttemptId: gen.patchAttemptId,
          files: shadow,
          patch: gen.patch,
        });
        lastPatchSummary = applied.summary;
        if (applied.ok) shadow = applied.files;
        continue;
      }
      const req = runTestsRequest!;
      runTestsRequest = null;
      for (const f of req.files) shadow = [...shadow.filter((s) => s.path !== f.path), f];
      const verdict = await runTests('INTERVENTION', shadow);
      if (verdict.status === 'PASSED') {
        await transition('SELF_HEALING', 'INTERVENTION_TESTS_PASSED', { actor: req.actor });
        return;
      }
    }
  }

  /** Timeout branch (V1-FR-TEST-008, V1-FR-SBX-007): a deterministic choice instead of burning retries. */
  async function timeoutRecovery(): Promise<'RERUN' | 'REPAIR'> {
    timeoutChoice = null;
    awaiting = 'TIMEOUT_RECOVERY_CHOICE';
    await condition(() => timeoutChoice !== null);
    awaiting = null;
    const c = timeoutChoice!;
    if (c.choice === 'increase_timeout')
      testTimeoutSeconds = c.timeoutSeconds ?? testTimeoutSeconds;
    if (c.choice === 'skip_or_quarantine_test')
      (c.testNames ?? lastFailedTests.map((t) => t.name)).forEach((n) => quarantined.add(n));
    return c.choice === 'continue_repair' ? 'REPAIR' : 'RERUN';
  }

  /** REFACTORING → SELF_HEALING loop → DELIVERED / WAITING_INTERVENTION / RECOVERY_PENDING. */
  async function execute(): Promise<ExecOutcome | 'FAILED'> {
    let result = await attempt('REFACTOR');
    if (result.passed) return deliver();
    if (!result.timeout) recordFailure(result.fingerprint);
    await transition('SELF_HEALING', 'TESTS_FAILED', { writeCounters: true });
    for (;;) {
      if (result.timeout) {
        const next = await timeoutRecovery();
        if (next === 'RERUN') {
          const verdict = await runTests('REPAIR', shadow);
          result = {
            passed: verdict.status === 'PASSED',
            fingerprint: verdict.fingerprint,
            timeout: verdict.failureClass === 'TIMEOUT_EXECUTION',
          };
          if (result.passed) return deliver();
          if (!result.timeout) recordFailure(result.fingerprint);
          await persistCounters();
          continue;
        }
        recordFailure(result.fingerprint);
      }
      // The total budget bounds every path, the intervention prompt included (PRD V1 §13 items 7, 11).
      if (budgetUsed >= policy.maxTotalAttempts) return fallback('RETRY_BUDGET_EXHAUSTED');
      // Identical-failure rule first: it outranks iteration-based escalation (PRD V1 §9.11 precedence).
      if (counters.identicalFailureCount >= policy.identicalFailureThreshold) {
        await transition('WAITING_INTERVENTION', 'IDENTICAL_FAILURE_THRESHOLD', {
          writeCounters: true,
          metadata: {
            fingerprint: counters.failurePatternFingerprint,
            identical_failure_count: counters.identicalFailureCount,
          },
        });
        const next = await intervention();
        // "Run tests" passed in USER_INTERVENING: resume from the refactoring state, which is now green.
        if (next === 'INTERVENTION_PASSED') return deliver();
        if (next === 'DEEP_FIXED') {
          const verdict = await runTests('DEEP_FIX', shadow, runNumber);
          if (verdict.status === 'PASSED') return deliver();
          result = {
            passed: false,
            fingerprint: verdict.fingerprint,
            timeout: verdict.failureClass === 'TIMEOUT_EXECUTION',
          };
          if (!result.timeout) recordFailure(result.fingerprint);
          await persistCounters();
          continue;
        }
        if (next !== 'CONTINUE') return next;
      }
      const nextIteration = counters.attemptCount + 1;
      const escalates =
        nextIteration >= REPAIR_ESCALATION_ITERATION &&
        TIER_MATRIX[entitlement!.tier].phases.includes(2);
      if (escalates && !escalationApproved && !preauthorizedFor(2)) {
        await transition('WAITING_ESCALATION_DECISION', 'ESCALATION_REQUIRED', {
          writeCounters: true,
          metadata: { next_iteration: nextIteration, model_class: 'L2' },
        });
        escalationDecision = null;
        awaiting = 'ESCALATION_DECISION';
        const confirmed = await condition(
          () => escalationDecision === true,
          ms(policy.escalationConfirmationTimeoutSeconds),
        );
        awaiting = null;
        if (!confirmed) {
          await transition('FAILED', 'ESCALATION_TIMEOUT', {
            failureReason: 'ESCALATION_CONFIRMATION_TIMEOUT',
            writeCounters: true,
          });
          await db.settleReservation({
            jobId: input.jobId,
            outcome: 'RELEASE',
            reason: 'ESCALATION_CONFIRMATION_TIMEOUT',
          });
          return 'FAILED';
        }
        escalationApproved = true;
        await transition('SELF_HEALING', 'ESCALATION_CONFIRMED', {
          metadata: { model_class: 'L2' },
        });
      }
      result = await attempt('REPAIR', errorOutputOf());
      if (result.passed) return deliver();
      if (!result.timeout) recordFailure(result.fingerprint);
      await persistCounters();
    }
  }

  /** Runs `execute` in a scope a spec update can cancel (AGENT.md resolution 18). */
  async function executeInterruptible(): Promise<ExecOutcome | 'FAILED'> {
    const s = new CancellationScope();
    executionScopes.add(s);
    try {
      return await s.run(execute);
    } catch (err) {
      if (specUpdatePending && stop === null && (isCancellation(err) || isCancelledActivity(err)))
        return 'SPEC_UPDATED';
      throw err;
    } finally {
      executionScopes.delete(s);
    }
  }

  async function runJob(): Promise<void> {
    if (!(await reserve())) return;
    await analyze();
    const chosen = await chooseStrategy();
    await extractSpec(chosen);
    for (;;) {
      await approveSpec();
      await generateTests();
      if (!(await baseline())) continue;
      const outcome = await executeInterruptible();
      if (outcome === 'SPEC_UPDATED') {
        specUpdatePending = false;
        await transition('WAITING_SPEC_APPROVAL', SPEC_UPDATED, {
          resetCounters: true,
          metadata: { spec_revision_id: latestSpecRevisionId },
        });
        continue;
      }
      if (outcome === 'FALLBACK') {
        // "Revise Specs and Rerun" within the retention window (PRD V1 §13 item 11).
        revise = null;
        awaiting = 'REVISE_SPECS';
        const rerun = await condition(() => revise !== null, ms(policy.reviseWindowSeconds));
        awaiting = null;
        if (rerun) {
          await transition('WAITING_SPEC_APPROVAL', 'REVISE_SPECS_AND_RERUN', {
            actor: revise,
            resetCounters: true,
          });
          continue;
        }
      }
      return;
    }
  }

  // ------------------------------------------------------------ stop paths (cancel, heartbeat loss, fail closed)
  async function stopJob(req: StopRequest): Promise<void> {
    if (isTerminal(status) && status !== 'FALLBACK_REQUIRED') return;
    const settle = chargePointReached ? 'COMMIT' : 'RELEASE';
    if (req.kind === 'CANCEL') {
      await transition('FAILED', 'CANCELLED_OR_UNRECOVERABLE', {
        failureReason: req.reason,
        actor: req.actor,
        writeCounters: true,
      });
      await db.settleReservation({ jobId: input.jobId, outcome: settle, reason: req.reason });
      return;
    }
    await db.recordBillingCheckpoint({
      jobId: input.jobId,
      workflowState: status,
      checkpointType: 'POST_CHARGE',
      chargePolicy: chargePointReached ? 'CHARGEABLE_DISCONNECT' : 'NON_BILLABLE_DISCONNECT',
      disconnectAt: lastHeartbeatAt,
    });
    await transition('CLIENT_HEARTBEAT_LOST', 'HEARTBEAT_GRACE_EXPIRED');
    await transition('FAILED', 'GRACE_EXPIRED', {
      failureReason: 'CLIENT_DISCONNECTED',
      writeCounters: true,
    });
    await db.settleReservation({
      jobId: input.jobId,
      outcome: settle,
      reason: 'CLIENT_DISCONNECTED',
    });
  }

  async function failClosed(err: unknown): Promise<void> {
    const type = failureType(err);
    const reason: FailureReason =
      type === 'LLM_OUTPUT_INVALID' || type === 'LLM_OUTPUT_CAP_EXCEEDED'
        ? 'LLM_SCHEMA_VALIDATION_FAILED'
        : 'INFRA_FAILURE';
    if (isTerminal(status)) throw err;
    await transition('FAILED', 'CANCELLED_OR_UNRECOVERABLE', {
      failureReason: reason,
      writeCounters: true,
      metadata: { error_type: type },
    });
    // INFRA_FAILURE is never charged (V1-FR-BIL-001, invariant 23); a fail-closed model answer is a logic failure.
    await db.settleReservation({
      jobId: input.jobId,
      outcome: reason === 'INFRA_FAILURE' || !chargePointReached ? 'RELEASE' : 'COMMIT',
      reason,
    });
  }

  const watchdog = heartbeatWatchdog();
  const main = new CancellationScope();
  const mainRun = main.run(runJob).then(
    () => ({ ok: true as const }),
    (err: unknown) => ({ ok: false as const, err }),
  );
  const first = await Promise.race([
    mainRun,
    condition(() => stop !== null).then(() => 'STOP' as const),
  ]);
  await CancellationScope.nonCancellable(async () => {
    if (first === 'STOP') {
      main.cancel();
      const r = await mainRun;
      if (!r.ok && !isCancellation(r.err) && !isCancelledActivity(r.err) && !isTerminal(status))
        throw r.err;
      await stopJob(stop!);
    } else if (!first.ok) {
      if (stop !== null) await stopJob(stop);
      else await failClosed(first.err);
    }
  });
  finished = true;
  await watchdog;
  if (!startOutcome) startOutcome = { status, denial: null };
  return { jobId: input.jobId, status, failureReason };
}

const specTextOf = (s: SpecRevision) =>
  [
    ...s.bddItems.map(
      (b, i) => `BDD ${i + 1}: GIVEN ${b.given} WHEN ${b.when_action} THEN ${b.then_outcome}`,
    ),
    ...s.sddItems.map(
      (d, i) =>
        `SDD ${i + 1}: ${d.component}: ${d.responsibility}${d.interface_notes ? ` (${d.interface_notes})` : ''}`,
    ),
  ].join('\n');

function failureType(err: unknown): string {
  let e: unknown = err;
  while (e instanceof ActivityFailure || e instanceof ChildWorkflowFailure) e = e.cause;
  return e instanceof ApplicationFailure
    ? (e.type ?? 'ApplicationFailure')
    : e instanceof Error
      ? e.name
      : 'Unknown';
}

function isCancelledActivity(err: unknown): boolean {
  return (
    (err instanceof ActivityFailure || err instanceof ChildWorkflowFailure) &&
    isCancellation(err.cause)
  );
}
