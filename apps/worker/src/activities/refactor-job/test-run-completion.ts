/**
 * @module The server half of the local test hand-off (ARCHITECTURE D5, issue #6): the API's
 * `POST /api/v1/jobs/:job_id/tests/report` finds the waiting run by `test_run_id`, converts the
 * validated body, and completes the workflow's async `runTests` activity with it.
 */
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';
import type { TestReportRequest } from '@iama/contracts';
import type { TestRunReport } from '../../workflows/refactor-job/api';

/** A run the workflow is waiting for, as the report endpoint needs it. */
export type AwaitedTestRun = {
  testRunId: string;
  jobId: string;
  attemptNumber: number;
  runType: string;
  taskToken: Uint8Array;
  reportedAt: Date | null;
};

/**
 * The waiting run `testRunId` of job `jobId`, or `undefined` (unknown, foreign job, or never
 * requested): the endpoint answers `JOB_STATE_CONFLICT` then.
 */
export async function findAwaitedTestRun(
  db: Kysely<Database>,
  jobId: string,
  testRunId: string,
): Promise<AwaitedTestRun | undefined> {
  const row = await db
    .selectFrom('test_run_requests as r')
    .innerJoin('test_runs as t', 't.id', 'r.test_run_id')
    .select([
      'r.test_run_id',
      'r.job_id',
      'r.task_token',
      'r.reported_at',
      't.attempt_number',
      't.run_type',
    ])
    .where('r.test_run_id', '=', testRunId)
    .where('r.job_id', '=', jobId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    testRunId: row.test_run_id,
    jobId: row.job_id,
    attemptNumber: row.attempt_number,
    runType: row.run_type,
    taskToken: new Uint8Array(row.task_token),
    reportedAt: row.reported_at,
  };
}

/** The report body in the workflow's terms. */
export function toTestRunReport(body: TestReportRequest): TestRunReport {
  return {
    testRunId: body.test_run_id,
    attemptNumber: body.attempt_number,
    executionMode: body.execution_mode,
    startedAt: body.started_at,
    durationMs: body.duration_ms,
    exitCode: body.exit_code,
    timedOut: body.timed_out,
    infraError: body.infra_error,
    tests: body.tests.map((t) => ({
      name: t.name,
      status: t.status,
      errorClass: t.error_class,
      location: t.location,
      excerpt: t.excerpt,
      durationMs: t.duration_ms,
    })),
  };
}

/**
 * Completes the waiting `runTests` activity. Marks the request reported first, so a second report
 * for the same run is recognisable (`reportedAt`); Temporal itself refuses a second completion.
 * @example await completeTestRun(client, run.taskToken, toTestRunReport(body), { db })
 */
export async function completeTestRun(
  client: Client,
  taskToken: Uint8Array,
  result: TestRunReport,
  opts?: { db?: Kysely<Database> },
): Promise<void> {
  await client.activity.complete(taskToken, result);
  if (opts?.db) {
    await opts.db
      .updateTable('test_run_requests')
      .set({ reported_at: new Date() })
      .where('test_run_id', '=', result.testRunId)
      .where('reported_at', 'is', null)
      .execute();
  }
}
