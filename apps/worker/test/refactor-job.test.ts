/**
 * RefactorJobWorkflow on the real Temporal dev server, real PostgreSQL, the IAMA Router through the
 * real LiteLLM Proxy with the fixture model, and real `node --test` runs completing the D5 async
 * activity (issue #6; PRD V1 §13).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import {
  approveSpecUpdate,
  awaitStartUpdate,
  cancelJobUpdate,
  chooseInterventionUpdate,
  clientHeartbeatSignal,
  decideEscalationUpdate,
  reviseSpecsUpdate,
  selectProposalUpdate,
  specUpdatedDuringExecutionSignal,
  type RefactorJobView,
} from '../src/index';
import { createRefactorJobActivities } from '../src/activities/refactor-job';
import {
  auditTrail,
  clientRunner,
  directives,
  jobInput,
  startJob,
  useHarness,
  waitFor,
  type Harness,
} from './refactor-job-harness';

const actor = (id: string) => ({ actorId: id, surface: 'IDE' as const });

async function jobRow(h: Harness, jobId: string) {
  return h.db
    .selectFrom('refactor_jobs')
    .selectAll()
    .where('id', '=', jobId)
    .executeTakeFirstOrThrow();
}
async function reservation(h: Harness, jobId: string) {
  return h.db
    .selectFrom('quota_reservations')
    .select(['status', 'release_reason'])
    .where('job_id', '=', jobId)
    .executeTakeFirstOrThrow();
}
const updateFailureType = (err: unknown) =>
  err instanceof WorkflowUpdateFailedError
    ? (err.cause as { type?: string } | undefined)?.type
    : undefined;

/** Drives a job to WAITING_SPEC_APPROVAL with a spec, returning the approved view. */
async function throughApproval(
  h: Harness,
  handle: Awaited<ReturnType<typeof startJob>>,
  ownerId: string,
): Promise<RefactorJobView> {
  const start = await handle.executeUpdate(awaitStartUpdate);
  assert.equal(start.status, 'ANALYZING');
  const strategy = await waitFor(
    handle,
    (v) => v.awaiting === 'STRATEGY_SELECTION',
    'strategy selection',
  );
  assert.equal(strategy.proposals.length, 3);
  await handle.executeUpdate(selectProposalUpdate, {
    args: [{ ...actor(ownerId), proposalId: strategy.proposals[1]!.proposalId }],
  });
  const spec = await waitFor(handle, (v) => v.awaiting === 'SPEC_APPROVAL', 'spec approval');
  await handle.executeUpdate(approveSpecUpdate, {
    args: [{ ...actor(ownerId), specRevisionId: spec.specRevisionId! }],
  });
  return spec;
}

void describe('RefactorJobWorkflow (issue #6; PRD V1 §13)', () => {
  let h: Harness;
  before(async () => {
    h = await useHarness();
  });
  after(async () => {
    await h.stop();
  });

  void it('V1-FR-JOB-001, V1-FR-SPEC-001/003, V1-FR-TEST-001/002, V1-FR-BIL-004: happy path PENDING → … → DELIVERED with real test runs', async () => {
    const w = await h.worker(directives({ patch_edit: 'ok answer=refactor_order_total' }));
    const job = await h.newJob('FREE');
    const runner = clientRunner(h, job.jobId);
    try {
      const handle = await startJob(h, w.taskQueue, jobInput(job));
      const spec = await throughApproval(h, handle, job.ownerId);
      const result = (await handle.result()) as { status: string };
      assert.equal(result.status, 'DELIVERED');
      const view = await handle.query('jobState');
      assert.match(JSON.stringify((view as RefactorJobView).patchedFiles), /reduce/);
      assert.deepEqual(
        (await auditTrail(h.db, job.jobId)).map((t) => t.new_state),
        [
          'QUOTA_RESERVING',
          'ANALYZING',
          'WAITING_STRATEGY',
          'WAITING_SPEC_APPROVAL',
          'GENERATING_TESTS',
          'BASELINE_VALIDATION',
          'REFACTORING',
          'DELIVERED',
        ],
      );
      const row = await jobRow(h, job.jobId);
      assert.equal(row.status, 'DELIVERED');
      assert.equal(row.baseline_mode_used, 'ASSERTION');
      assert.ok(row.completed_at);
      assert.equal((await reservation(h, job.jobId)).status, 'COMMITTED');
      const snapshot = await h.db
        .selectFrom('entitlement_snapshots')
        .select(['tier'])
        .where('job_id', '=', job.jobId)
        .executeTakeFirstOrThrow();
      assert.equal(snapshot.tier, 'FREE');
      const bdd = await h.db
        .selectFrom('bdd_items')
        .select('revision_id')
        .where('job_id', '=', job.jobId)
        .execute();
      assert.ok(bdd.length > 0 && bdd.every((b) => b.revision_id === spec.specRevisionId));
      const runs = await h.db
        .selectFrom('test_runs')
        .select(['run_type', 'status', 'spec_revision_id'])
        .where('job_id', '=', job.jobId)
        .orderBy('attempt_number')
        .execute();
      assert.deepEqual(
        runs.map((r) => [r.run_type, r.status]),
        [
          ['BASELINE', 'PASSED'],
          ['REPAIR', 'PASSED'],
        ],
      );
      assert.ok(
        runs.every((r) => r.spec_revision_id === spec.specRevisionId),
        'tests are linked to the approved revision',
      );
      const attempts = await h.db
        .selectFrom('patch_attempts')
        .select(['outcome', 'test_run_id'])
        .where('job_id', '=', job.jobId)
        .execute();
      assert.equal(attempts.length, 1);
      assert.equal(attempts[0]!.outcome, 'APPLIED');
      assert.ok(attempts[0]!.test_run_id);
      const ops = await h.db
        .selectFrom('patch_edit_operations')
        .select(['edit_type', 'apply_outcome'])
        .where('job_id', '=', job.jobId)
        .execute();
      assert.deepEqual(ops, [{ edit_type: 'EXACT_SEARCH_REPLACE', apply_outcome: 'SUCCESS' }]);
    } finally {
      await runner.stop();
      await w.stop();
    }
  });

  void it('PRD V1 §13: illegal actions are refused with the current state; the status writer refuses illegal and diverged edges', async () => {
    const w = await h.worker();
    const job = await h.newJob('FREE');
    try {
      const handle = await startJob(h, w.taskQueue, jobInput(job));
      await handle.executeUpdate(awaitStartUpdate);
      const view = await waitFor(
        handle,
        (v) => v.awaiting === 'STRATEGY_SELECTION',
        'strategy selection',
      );
      await assert.rejects(
        handle.executeUpdate(approveSpecUpdate, {
          args: [{ ...actor(job.ownerId), specRevisionId: view.proposals[0]!.proposalId }],
        }),
        (err) => updateFailureType(err) === 'JOB_STATE_CONFLICT',
      );
      await assert.rejects(
        handle.executeUpdate(selectProposalUpdate, {
          args: [{ ...actor(job.ownerId), proposalId: 'not-a-proposal' }],
        }),
        (err) => updateFailureType(err) === 'JOB_STATE_CONFLICT',
      );
      await assert.rejects(
        handle.executeUpdate(reviseSpecsUpdate, { args: [actor(job.ownerId)] }),
        (err) => updateFailureType(err) === 'JOB_STATE_CONFLICT',
      );
      const acts = createRefactorJobActivities({ db: h.db });
      await assert.rejects(
        acts.transitionJob({
          jobId: job.jobId,
          transitionId: 'illegal-1',
          from: 'WAITING_STRATEGY',
          to: 'DELIVERED',
          trigger: 'TESTS_PASSED',
          ctx: {},
        }),
        (err: Error & { type?: string }) => err.type === 'ILLEGAL_TRANSITION',
      );
      await assert.rejects(
        acts.transitionJob({
          jobId: job.jobId,
          transitionId: 'diverged-1',
          from: 'REFACTORING',
          to: 'SELF_HEALING',
          trigger: 'TESTS_FAILED',
          ctx: {},
        }),
        (err: Error & { type?: string }) => err.type === 'STATUS_DIVERGED',
      );
      assert.equal((await jobRow(h, job.jobId)).status, 'WAITING_STRATEGY');
      // Cancellation (USER_CANCELLED) before the charge point releases the reservation.
      const cancelled = await handle.executeUpdate(cancelJobUpdate, { args: [actor(job.ownerId)] });
      assert.deepEqual(cancelled, { status: 'FAILED', failureReason: 'USER_CANCELLED' });
      const row = await jobRow(h, job.jobId);
      assert.equal(row.status, 'FAILED');
      assert.equal(row.failure_reason, 'USER_CANCELLED');
      assert.equal((await reservation(h, job.jobId)).status, 'RELEASED');
      // The run is closed: a second cancel cannot reach it (the API answers from the row: 409).
      await assert.rejects(
        handle.executeUpdate(cancelJobUpdate, { args: [actor(job.ownerId)] }),
        (err: Error) =>
          err.name === 'WorkflowNotFoundError' || updateFailureType(err) === 'JOB_STATE_CONFLICT',
      );
    } finally {
      await w.stop();
    }
  });

  void it('PRD V1 §13 item 13: a refused reservation leaves the job PENDING with a machine-readable reason', async () => {
    const w = await h.worker();
    const job = await h.newJob('PRO', 'CANCELLED');
    try {
      const handle = await startJob(h, w.taskQueue, jobInput(job));
      const start = await handle.executeUpdate(awaitStartUpdate);
      assert.equal(start.status, 'PENDING');
      assert.deepEqual(start.denial, {
        errorCode: 'QUOTA_RESERVATION_FAILED',
        reason: 'SUBSCRIPTION_CANCELLED',
      });
      await handle.result();
      assert.equal((await jobRow(h, job.jobId)).status, 'PENDING');
      const snapshot = await h.db
        .selectFrom('entitlement_snapshots')
        .select('id')
        .where('job_id', '=', job.jobId)
        .executeTakeFirst();
      assert.equal(snapshot, undefined, 'no snapshot without a reservation');
    } finally {
      await w.stop();
    }
  });

  void it('V1-FR-TEST-003: three identical failure fingerprints pause in WAITING_INTERVENTION; cancel after the charge point commits', async () => {
    // The fixture's default patch_edit answer names a base fingerprint that matches no file: every
    // attempt fails the same way (BASE_FINGERPRINT_MISMATCH), which is an identical failure pattern.
    const w = await h.worker();
    const job = await h.newJob('FREE');
    const runner = clientRunner(h, job.jobId);
    try {
      const handle = await startJob(h, w.taskQueue, jobInput(job));
      await throughApproval(h, handle, job.ownerId);
      const paused = await waitFor(
        handle,
        (v) => v.awaiting === 'INTERVENTION_CHOICE',
        'intervention prompt',
      );
      assert.equal(paused.status, 'WAITING_INTERVENTION');
      assert.equal(paused.identicalFailureCount, 3);
      assert.equal(paused.attemptCount, 3);
      assert.ok(paused.failurePatternFingerprint);
      const row = await jobRow(h, job.jobId);
      assert.equal(row.identical_failure_count, 3);
      assert.equal(row.failure_pattern_fingerprint, paused.failurePatternFingerprint);
      const trail = (await auditTrail(h.db, job.jobId)).map((t) => t.new_state);
      assert.deepEqual(trail.slice(-3), ['REFACTORING', 'SELF_HEALING', 'WAITING_INTERVENTION']);
      const cancelled = await handle.executeUpdate(cancelJobUpdate, { args: [actor(job.ownerId)] });
      assert.equal(cancelled.failureReason, 'USER_CANCELLED');
      assert.equal((await reservation(h, job.jobId)).status, 'COMMITTED');
    } finally {
      await runner.stop();
      await w.stop();
    }
  });

  void it('PRD V1 §13 items 8, 11, 6: Continue keeps counters; budget exhaustion ends in FALLBACK_REQUIRED; Revise Specs and Rerun resets the three counters atomically', async () => {
    const w = await h.worker();
    const job = await h.newJob('FREE');
    const runner = clientRunner(h, job.jobId);
    try {
      const handle = await startJob(
        h,
        w.taskQueue,
        jobInput(job, { policy: { maxTotalAttempts: 4 } }),
      );
      await throughApproval(h, handle, job.ownerId);
      await waitFor(handle, (v) => v.awaiting === 'INTERVENTION_CHOICE', 'intervention prompt');
      const cont = await handle.executeUpdate(chooseInterventionUpdate, {
        args: [{ ...actor(job.ownerId), choice: 'CONTINUE' }],
      });
      assert.equal(cont.status, 'SELF_HEALING');
      const fallback = await waitFor(handle, (v) => v.awaiting === 'REVISE_SPECS', 'fallback');
      assert.equal(fallback.status, 'FALLBACK_REQUIRED');
      assert.equal(fallback.attemptCount, 4);
      const before = await jobRow(h, job.jobId);
      assert.equal(before.attempt_count, 4);
      assert.ok(before.failure_pattern_fingerprint);
      const revised = await handle.executeUpdate(reviseSpecsUpdate, { args: [actor(job.ownerId)] });
      assert.equal(revised.status, 'WAITING_SPEC_APPROVAL');
      const row = await jobRow(h, job.jobId);
      assert.deepEqual(
        [
          row.status,
          row.attempt_count,
          row.identical_failure_count,
          row.failure_pattern_fingerprint,
        ],
        ['WAITING_SPEC_APPROVAL', 0, 0, null],
      );
      const trail = (await auditTrail(h.db, job.jobId)).map((t) => `${t.new_state}:${t.trigger}`);
      assert.ok(trail.includes('RECOVERY_PENDING:RETRY_BUDGET_EXHAUSTED'));
      assert.ok(trail.includes('FALLBACK_REQUIRED:RECOVERY_PACKAGED'));
      assert.equal(trail.at(-1), 'WAITING_SPEC_APPROVAL:REVISE_SPECS_AND_RERUN');
      await handle.executeUpdate(cancelJobUpdate, { args: [actor(job.ownerId)] });
    } finally {
      await runner.stop();
      await w.stop();
    }
  });

  void it('V1-FR-ROUTE-003, PRD V1 §13 item 12: escalation without pre-authorization waits, and its timeout fails with ESCALATION_CONFIRMATION_TIMEOUT', async () => {
    const w = await h.worker();
    const job = await h.newJob('PLUS');
    const runner = clientRunner(h, job.jobId);
    try {
      // Threshold raised so non-escalated iterations 1-3 run out first (identical rule otherwise takes precedence).
      const handle = await startJob(
        h,
        w.taskQueue,
        jobInput(job, {
          policy: { identicalFailureThreshold: 99, escalationConfirmationTimeoutSeconds: 2 },
        }),
      );
      await throughApproval(h, handle, job.ownerId);
      const waiting = await waitFor(
        handle,
        (v) => v.status === 'WAITING_ESCALATION_DECISION',
        'escalation decision',
      );
      assert.equal(waiting.awaiting, 'ESCALATION_DECISION');
      await handle.executeUpdate(decideEscalationUpdate, {
        args: [{ ...actor(job.ownerId), confirm: false }],
      });
      const result = (await handle.result()) as { status: string; failureReason: string };
      assert.deepEqual(result, {
        jobId: job.jobId,
        status: 'FAILED',
        failureReason: 'ESCALATION_CONFIRMATION_TIMEOUT',
      });
      assert.equal((await reservation(h, job.jobId)).status, 'RELEASED');
    } finally {
      await runner.stop();
      await w.stop();
    }
  });

  void it('V1-FR-JOB-007: heartbeat loss inside the grace window pauses and recovers without a terminal state', async () => {
    const w = await h.worker();
    const job = await h.newJob('FREE');
    try {
      const handle = await startJob(
        h,
        w.taskQueue,
        jobInput(job, { policy: { heartbeatTimeoutSeconds: 1, heartbeatGraceSeconds: 30 } }),
      );
      await handle.executeUpdate(awaitStartUpdate);
      await handle.signal(clientHeartbeatSignal, { sessionId: `session-${job.jobId}` });
      const grace = await waitFor(
        handle,
        (v) => v.heartbeat.status === 'GRACE_PERIOD',
        'grace period',
      );
      assert.equal(grace.generationPaused, true);
      assert.ok(grace.heartbeat.graceDeadlineAt);
      await handle.signal(clientHeartbeatSignal, { sessionId: `session-${job.jobId}` });
      const back = await waitFor(
        handle,
        (v) => v.heartbeat.status === 'ACTIVE' && !v.generationPaused,
        'recovery',
      );
      assert.ok(!['FAILED', 'CLIENT_HEARTBEAT_LOST'].includes(back.status));
      const session = await h.db
        .selectFrom('client_heartbeat_sessions')
        .select(['status'])
        .where('job_id', '=', job.jobId)
        .executeTakeFirstOrThrow();
      assert.equal(session.status, 'RECOVERED');
      const events = await h.db
        .selectFrom('job_events')
        .select('payload')
        .where('job_id', '=', job.jobId)
        .where('event_type', '=', 'heartbeat_status')
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        events.map((e) => (e.payload as { status: string }).status),
        ['GRACE_PERIOD', 'ACTIVE'],
      );
      await handle.executeUpdate(cancelJobUpdate, {
        args: [{ ...actor(job.ownerId), force: true }],
      });
      assert.equal((await jobRow(h, job.jobId)).failure_reason, 'FORCE_TERMINATED_BY_USER');
    } finally {
      await w.stop();
    }
  });

  void it('V1-FR-JOB-007, PRD V1 §13 items 16-18: heartbeat lost past the grace window → CLIENT_HEARTBEAT_LOST → FAILED/CLIENT_DISCONNECTED, reservation released', async () => {
    const w = await h.worker();
    const job = await h.newJob('FREE');
    try {
      const handle = await startJob(
        h,
        w.taskQueue,
        jobInput(job, { policy: { heartbeatTimeoutSeconds: 1, heartbeatGraceSeconds: 2 } }),
      );
      await handle.executeUpdate(awaitStartUpdate);
      await handle.signal(clientHeartbeatSignal, { sessionId: `session-${job.jobId}` });
      const result = (await handle.result()) as { status: string; failureReason: string };
      assert.equal(result.status, 'FAILED');
      assert.equal(result.failureReason, 'CLIENT_DISCONNECTED');
      const trail = (await auditTrail(h.db, job.jobId)).map((t) => t.new_state);
      assert.deepEqual(trail.slice(-2), ['CLIENT_HEARTBEAT_LOST', 'FAILED']);
      assert.equal((await reservation(h, job.jobId)).status, 'RELEASED');
      const checkpoint = await h.db
        .selectFrom('billing_checkpoint_records')
        .select(['charge_policy'])
        .where('job_id', '=', job.jobId)
        .executeTakeFirstOrThrow();
      assert.equal(checkpoint.charge_policy, 'NON_BILLABLE_DISCONNECT');
    } finally {
      await w.stop();
    }
  });
  void it('V1-FR-TEST-003A: Deep Fix runs as a child with a context reset on L2 (Pro); a failed Deep Fix returns to WAITING_INTERVENTION', async () => {
    const w = await h.worker();
    const job = await h.newJob('PRO');
    const runner = clientRunner(h, job.jobId);
    try {
      const handle = await startJob(h, w.taskQueue, jobInput(job));
      await throughApproval(h, handle, job.ownerId);
      await waitFor(handle, (v) => v.awaiting === 'INTERVENTION_CHOICE', 'intervention prompt');
      const chosen = await handle.executeUpdate(chooseInterventionUpdate, {
        args: [{ ...actor(job.ownerId), choice: 'DEEP_FIX' }],
      });
      assert.equal(chosen.modelUpgraded, true);
      await waitFor(
        handle,
        (v) =>
          v.status === 'WAITING_INTERVENTION' &&
          v.awaiting === 'INTERVENTION_CHOICE' &&
          v.lastPatchSummary !== null &&
          (v.lastPatchSummary.includes('BASE_FINGERPRINT_MISMATCH') ||
            v.lastPatchSummary.includes('deep fix failed')),
        'deep fix outcome',
      );
      const trail = (await auditTrail(h.db, job.jobId)).map((t) => `${t.new_state}:${t.trigger}`);
      assert.deepEqual(trail.slice(-2), [
        'DEEP_FIX_ACTIVE:DEEP_FIX_SELECTED',
        'WAITING_INTERVENTION:DEEP_FIX_FAILED',
      ]);
      const deep = await h.db
        .selectFrom('patch_attempts')
        .select(['model_class', 'is_deep_fix', 'outcome'])
        .where('job_id', '=', job.jobId)
        .where('is_deep_fix', '=', true)
        .execute();
      assert.deepEqual(deep, [{ model_class: 'L2', is_deep_fix: true, outcome: 'FAILED' }]);
      await handle.executeUpdate(cancelJobUpdate, { args: [actor(job.ownerId)] });
    } finally {
      await runner.stop();
      await w.stop();
    }
  });

  void it('AGENT.md resolution 17: an unanswered L3 Deep Fix confirmation (Max) fails with INTERVENTION_TIMEOUT, non-billable', async () => {
    const w = await h.worker();
    const job = await h.newJob('MAX');
    const runner = clientRunner(h, job.jobId);
    try {
      const handle = await startJob(
        h,
        w.taskQueue,
        jobInput(job, { policy: { deepFixConfirmationTimeoutSeconds: 2 } }),
      );
      await throughApproval(h, handle, job.ownerId);
      await waitFor(handle, (v) => v.awaiting === 'INTERVENTION_CHOICE', 'intervention prompt');
      const chosen = await handle.executeUpdate(chooseInterventionUpdate, {
        args: [{ ...actor(job.ownerId), choice: 'DEEP_FIX' }],
      });
      assert.equal(chosen.awaiting, 'DEEP_FIX_CONFIRMATION');
      const result = (await handle.result()) as { status: string; failureReason: string };
      assert.deepEqual([result.status, result.failureReason], ['FAILED', 'INTERVENTION_TIMEOUT']);
      assert.equal((await reservation(h, job.jobId)).status, 'RELEASED');
      const checkpoints = await h.db
        .selectFrom('billing_checkpoint_records')
        .select('charge_policy')
        .where('job_id', '=', job.jobId)
        .execute();
      assert.ok(checkpoints.some((c) => c.charge_policy === 'NON_BILLABLE_DISCONNECT'));
      const l3 = await h.db
        .selectFrom('patch_attempts')
        .select('id')
        .where('job_id', '=', job.jobId)
        .where('model_class', '=', 'L3')
        .execute();
      assert.equal(l3.length, 0, 'no L3 call without confirmation');
    } finally {
      await runner.stop();
      await w.stop();
    }
  });

  void it('AGENT.md resolution 18: a spec committed during REFACTORING cancels generation and returns to WAITING_SPEC_APPROVAL with counters reset', async () => {
    const w = await h.worker(directives({ patch_edit: 'slow_stream chunks=4 delay_ms=1500' }));
    const job = await h.newJob('FREE');
    const runner = clientRunner(h, job.jobId);
    try {
      const handle = await startJob(h, w.taskQueue, jobInput(job));
      await throughApproval(h, handle, job.ownerId);
      await waitFor(handle, (v) => v.status === 'REFACTORING', 'refactoring');
      const revision = await h.db
        .insertInto('spec_revisions')
        .values({
          job_id: job.jobId,
          revision_token: `tok-${job.jobId}`,
          actor_id: job.ownerId,
          surface: 'WEB',
          bdd_snapshot: JSON.stringify([]),
          sdd_snapshot: JSON.stringify([]),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await handle.signal(specUpdatedDuringExecutionSignal, {
        specRevisionId: revision.id,
        actorId: job.ownerId,
      });
      const back = await waitFor(handle, (v) => v.awaiting === 'SPEC_APPROVAL', 'back to approval');
      assert.equal(back.status, 'WAITING_SPEC_APPROVAL');
      assert.equal(back.specRevisionId, revision.id);
      const row = await jobRow(h, job.jobId);
      assert.deepEqual(
        [
          row.status,
          row.attempt_count,
          row.identical_failure_count,
          row.failure_pattern_fingerprint,
        ],
        ['WAITING_SPEC_APPROVAL', 0, 0, null],
      );
      assert.equal(
        (await auditTrail(h.db, job.jobId)).at(-1)?.trigger,
        'SPEC_UPDATED_DURING_EXECUTION',
      );
      await handle.executeUpdate(cancelJobUpdate, { args: [actor(job.ownerId)] });
    } finally {
      await runner.stop();
      await w.stop();
    }
  });
});
