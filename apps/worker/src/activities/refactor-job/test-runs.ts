/**
 * @module Test runs through the client (ARCHITECTURE D5): `requestTestRun` writes the `test_runs`
 * row (idempotent, invariant 21), stores its task token and pushes `test_requested` on the job's
 * stream, then completes asynchronously when the API's report endpoint calls `completeTestRun`.
 * `recordTestRunResult` writes the server-side verdict (V1-FR-TEST-003, V1-FR-TEST-008).
 */
import { CompleteAsyncError, Context } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';
import type { ExecutionMode } from '@iama/contracts';
import type { SourceFile, TestRunReport } from '../../workflows/refactor-job/api';
import { classifyTestRun, type TestRunVerdict } from './test-classification';

export type TestRunType = 'BASELINE' | 'REPAIR' | 'DEEP_FIX' | 'INTERVENTION' | 'MANUAL';

export type RequestTestRunArgs = {
  jobId: string;
  /** Workflow-generated `test_runs.id`, so the workflow knows the run it waits for (`pendingTestRunId`). */
  testRunId: string;
  specRevisionId: string;
  /** Monotonic per job, never reset (decisions.md: `test_runs.attempt_number`). */
  runNumber: number;
  runType: TestRunType;
  phase: 1 | 2 | 3;
  executionMode: ExecutionMode;
  framework: string;
  testFiles: SourceFile[];
  /** Full patched files; empty for the baseline run (the client tests its legacy copy). */
  sourceFiles: SourceFile[];
  timeoutSeconds: number | null;
};

export function createTestRunActivities(db: Kysely<Database>) {
  return {
    /** Resolves with the client's {@link TestRunReport}, delivered by `completeTestRun`. */
    async requestTestRun(args: RequestTestRunArgs): Promise<TestRunReport> {
      const info = Context.current().info;
      const testRunId = await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('test_runs')
          .values({
            id: args.testRunId,
            job_id: args.jobId,
            spec_revision_id: args.specRevisionId,
            attempt_number: args.runNumber,
            phase: args.phase,
            run_type: args.runType,
            status: 'RUNNING',
            execution_mode: args.executionMode,
          })
          .onConflict((oc) => oc.columns(['job_id', 'attempt_number', 'run_type']).doNothing())
          .execute();
        const run = await trx
          .selectFrom('test_runs')
          .select('id')
          .where('job_id', '=', args.jobId)
          .where('attempt_number', '=', args.runNumber)
          .where('run_type', '=', args.runType)
          .executeTakeFirstOrThrow();
        // A retried activity has a new task token: the newest one is the one that can complete.
        await trx
          .insertInto('test_run_requests')
          .values({
            test_run_id: run.id,
            job_id: args.jobId,
            task_token: Buffer.from(info.taskToken),
          })
          .onConflict((oc) =>
            oc.column('test_run_id').doUpdateSet({
              task_token: Buffer.from(info.taskToken),
              requested_at: new Date(),
              reported_at: null,
            }),
          )
          .execute();
        await trx
          .insertInto('job_events')
          .values({
            job_id: args.jobId,
            event_type: 'test_requested',
            payload: JSON.stringify({
              event: 'test_requested',
              job_id: args.jobId,
              test_run_id: run.id,
              attempt_number: args.runNumber,
              run_type: args.runType,
              framework: args.framework,
              test_files: args.testFiles,
              source_files: args.sourceFiles,
              timeout_seconds: args.timeoutSeconds,
              timestamp: new Date().toISOString(),
            }),
          })
          .execute();
        return run.id;
      });
      Context.current().log.info('test run requested', {
        jobId: args.jobId,
        testRunId,
        runType: args.runType,
      });
      throw new CompleteAsyncError();
    },

    /** Writes the verdict once (a repeated call leaves the finished row alone). */
    async recordTestRunResult(args: {
      jobId: string;
      report: TestRunReport;
    }): Promise<TestRunVerdict & { testRunId: string }> {
      const verdict = classifyTestRun(args.report);
      await db
        .updateTable('test_runs')
        .set({
          status: verdict.status,
          failure_class: verdict.failureClass,
          failure_pattern_fingerprint: verdict.fingerprint,
          completed_at: new Date(),
          duration_ms: args.report.durationMs,
        })
        .where('id', '=', args.report.testRunId)
        .where('job_id', '=', args.jobId)
        .where('status', '=', 'RUNNING')
        .execute();
      return { ...verdict, testRunId: args.report.testRunId };
    },
  };
}
