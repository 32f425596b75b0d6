/**
 * @module D5 `POST /api/v1/jobs/:job_id/tests/report` (docs/api/ADDITIONS.md; V1-FR-TEST-002/003/
 * 004/008, V1-FR-SBX-001/003/004): completes the workflow's waiting `runTests` activity with the
 * client's facts. The run is found by `test_run_id` within the caller's own job, so a client can
 * complete nothing but its own run; the verdict (status, failure class, fingerprint) is the
 * server's. A repeated report of an already reported run gets the same answer and completes
 * nothing twice; a run nobody waits for is `409 JOB_STATE_CONFLICT`.
 */
import type { FastifyInstance } from 'fastify';
import {
  jobIdParamsSchema,
  testReportRequestSchema,
  type TestReportResponse,
} from '@iama/contracts';
import {
  classifyTestRun,
  completeTestRun,
  findAwaitedTestRun,
  toTestRunReport,
} from '@iama/worker';
import { requireUser } from '../../plugins/auth';
import { ApiError } from '../../errors';
import { parsePart } from '../../jobs/request';
import { loadOwnedJob } from '../../jobs/access';
import type { JobRouteContext } from './context';

export function reportTestsRoute(app: FastifyInstance, ctx: JobRouteContext): void {
  app.post('/api/v1/jobs/:job_id/tests/report', async (req): Promise<TestReportResponse> => {
    const { userId } = requireUser(req);
    const { job_id } = parsePart('jobs.reportTests', 'params', jobIdParamsSchema, req.params);
    const body = parsePart('jobs.reportTests', 'body', testReportRequestSchema, req.body);
    const job = await loadOwnedJob(ctx.db, job_id, userId);
    const conflict = (why: string) =>
      new ApiError('JOB_STATE_CONFLICT', why, {
        action: 'jobs.reportTests',
        current_state: job.status,
        test_run_id: body.test_run_id,
      });
    const run = await findAwaitedTestRun(ctx.db, job_id, body.test_run_id);
    if (!run) throw conflict('No test run with this id is awaiting a report for this job');
    if (run.attemptNumber !== body.attempt_number)
      throw conflict(
        `Test run ${run.testRunId} is attempt ${run.attemptNumber}, not ${body.attempt_number}`,
      );

    const report = toTestRunReport(body);
    const verdict = classifyTestRun(report);
    if (run.reportedAt === null) {
      try {
        await completeTestRun(ctx.temporal, run.taskToken, report, { db: ctx.db });
      } catch (err) {
        // The activity is gone (timed out, job cancelled): nobody waits for this report any more.
        if ((err as { name?: string }).name === 'ActivityNotFoundError')
          throw conflict('The workflow no longer waits for this test run');
        throw err;
      }
    }
    return {
      test_run_id: run.testRunId,
      status: verdict.status,
      failure_class: verdict.failureClass,
      failure_pattern_fingerprint: verdict.fingerprint,
    };
  });
}
