/**
 * @module The only writer of `refactor_jobs.status` (issue #6): every transition is checked
 * against the contracts transition table, written with its audit event in one transaction, and
 * idempotent per `transitionId` (Temporal activities run at least once).
 */
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';
import {
  canTransition,
  isTerminal,
  type FailureReason,
  type TransitionContext,
  type WorkflowState,
} from '@iama/contracts';
import { nonRetryable } from './errors';

export const TRANSITION_EVENT = 'job.state_transition';

export type JobCounters = {
  attemptCount: number;
  identicalFailureCount: number;
  failurePatternFingerprint: string | null;
};

export type TransitionArgs = {
  jobId: string;
  /** Workflow-generated id: a retried activity finds its own audit event and does nothing. */
  transitionId: string;
  from: WorkflowState;
  to: WorkflowState;
  trigger: string;
  ctx: TransitionContext;
  failureReason?: FailureReason | null;
  actorId?: string | null;
  surface?: 'IDE' | 'WEB' | 'API' | 'SYSTEM';
  /** Written in the same statement as the status (PRD V1 §13 items 6, 11: atomic reset). */
  counters?: JobCounters;
  baselineModeUsed?: string | null;
  currentPhase?: number | null;
  metadata?: Record<string, unknown>;
};

export function createJobStateActivities(db: Kysely<Database>) {
  return {
    async transitionJob(args: TransitionArgs): Promise<{ applied: boolean }> {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('refactor_jobs')
          .select(['status'])
          .where('id', '=', args.jobId)
          .forUpdate()
          .executeTakeFirst();
        if (!row) throw nonRetryable('JOB_NOT_FOUND', `job ${args.jobId} does not exist`);
        const done = await trx
          .selectFrom('audit_events')
          .select('id')
          .where('job_id', '=', args.jobId)
          .where('event_type', '=', TRANSITION_EVENT)
          .where('metadata', '@>', JSON.stringify({ transition_id: args.transitionId }))
          .executeTakeFirst();
        if (done) return { applied: false };
        if (row.status !== args.from) {
          throw nonRetryable(
            'STATUS_DIVERGED',
            `job ${args.jobId} is ${row.status}, workflow expected ${args.from}`,
            { status: row.status, expected: args.from },
          );
        }
        const check = canTransition(args.from, args.to, args.ctx);
        if (!check.ok)
          throw nonRetryable('ILLEGAL_TRANSITION', check.detail, {
            reason: check.reason,
            from: args.from,
            to: args.to,
          });
        const now = new Date();
        await trx
          .updateTable('refactor_jobs')
          .set({
            status: args.to,
            updated_at: now,
            ...(args.failureReason !== undefined ? { failure_reason: args.failureReason } : {}),
            ...(args.counters
              ? {
                  attempt_count: args.counters.attemptCount,
                  identical_failure_count: args.counters.identicalFailureCount,
                  failure_pattern_fingerprint: args.counters.failurePatternFingerprint,
                }
              : {}),
            ...(args.baselineModeUsed !== undefined
              ? { baseline_mode_used: args.baselineModeUsed }
              : {}),
            ...(args.currentPhase !== undefined ? { current_phase: args.currentPhase } : {}),
            ...(isTerminal(args.to) ? { completed_at: now } : {}),
          })
          .where('id', '=', args.jobId)
          .execute();
        await trx
          .insertInto('audit_events')
          .values({
            job_id: args.jobId,
            actor_id: args.actorId ?? null,
            event_type: TRANSITION_EVENT,
            old_state: args.from,
            new_state: args.to,
            surface: args.surface ?? 'SYSTEM',
            metadata: JSON.stringify({
              transition_id: args.transitionId,
              trigger: args.trigger,
              ...(args.failureReason ? { failure_reason: args.failureReason } : {}),
              ...(args.counters ? { counters: args.counters } : {}),
              ...args.metadata,
            }),
          })
          .execute();
        return { applied: true };
      });
    },

    /** Attempt bookkeeping inside a state (V1-FR-TEST-003): no status change, so no transition event. */
    async updateJobCounters(args: {
      jobId: string;
      counters: JobCounters;
      currentPhase?: number | null;
    }): Promise<void> {
      await db
        .updateTable('refactor_jobs')
        .set({
          attempt_count: args.counters.attemptCount,
          identical_failure_count: args.counters.identicalFailureCount,
          failure_pattern_fingerprint: args.counters.failurePatternFingerprint,
          ...(args.currentPhase !== undefined ? { current_phase: args.currentPhase } : {}),
          updated_at: new Date(),
        })
        .where('id', '=', args.jobId)
        .execute();
    },

    /**
     * Heartbeat grace bookkeeping (V1-FR-JOB-007): `client_heartbeat_sessions` row of the session
     * and a `heartbeat_status` stream event.
     */
    async recordHeartbeatStatus(args: {
      jobId: string;
      sessionId: string;
      workflowRunId: string;
      status: 'ACTIVE' | 'GRACE_PERIOD' | 'LOST' | 'RECOVERED';
      graceSeconds: number;
      graceDeadlineAt: string | null;
    }): Promise<void> {
      const now = new Date();
      await db
        .insertInto('client_heartbeat_sessions')
        .values({
          job_id: args.jobId,
          session_id: args.sessionId,
          workflow_run_id: args.workflowRunId,
          status: args.status,
          grace_window_seconds: args.graceSeconds,
          grace_deadline_at: args.graceDeadlineAt,
        })
        .onConflict((oc) =>
          oc.columns(['job_id', 'session_id']).doUpdateSet({
            status: args.status,
            grace_deadline_at: args.graceDeadlineAt,
            updated_at: now,
          }),
        )
        .execute();
      const streamStatus = args.status === 'RECOVERED' ? 'ACTIVE' : args.status;
      await db
        .insertInto('job_events')
        .values({
          job_id: args.jobId,
          event_type: 'heartbeat_status',
          payload: JSON.stringify({
            event: 'heartbeat_status',
            status: streamStatus,
            grace_deadline_at: args.graceDeadlineAt,
          }),
        })
        .execute();
    },

    /** A `log_line` on the job's stream (V1-FR-OBS-002). Messages are fixed phrases: never code or prompts. */
    async emitJobLog(args: {
      jobId: string;
      level: 'INFO' | 'WARN' | 'ERROR';
      message: string;
    }): Promise<void> {
      await db
        .insertInto('job_events')
        .values({
          job_id: args.jobId,
          event_type: 'log_line',
          payload: JSON.stringify({
            event: 'log_line',
            level: args.level,
            message: args.message,
            timestamp: new Date().toISOString(),
          }),
        })
        .execute();
    },
  };
}
