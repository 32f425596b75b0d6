/**
 * @module `DELETE /api/v1/jobs/:job_id` (API_CONTRACT §4; V1-FR-JOB-002, V1-FR-BIL-001, PRD V1 §13
 * "explicit user cancellation"): any non-terminal state → `FAILED` / `USER_CANCELLED`, decided
 * by the workflow's `cancelJob` update (which also settles the reservation by charge policy).
 */
import type { FastifyInstance } from 'fastify';
import { jobIdParamsSchema, WORKFLOW_STATES, type CancelJobResponse } from '@iama/contracts';
import { cancelJobUpdate } from '@iama/worker';
import { requireUser } from '../../plugins/auth';
import { parsePart } from '../../jobs/request';
import { loadOwnedJob } from '../../jobs/access';
import { isCancellable, stateConflict } from '../../jobs/state-guard';
import { actorOf, callJobWorkflow } from '../../jobs/workflow-call';
import type { JobRouteContext } from './context';

export const CANCELLABLE_STATES = WORKFLOW_STATES.filter(isCancellable);

export function cancelJobRoute(app: FastifyInstance, ctx: JobRouteContext): void {
  app.delete('/api/v1/jobs/:job_id', async (req): Promise<CancelJobResponse> => {
    const { userId } = requireUser(req);
    const { job_id } = parsePart('jobs.cancel', 'params', jobIdParamsSchema, req.params);
    const job = await loadOwnedJob(ctx.db, job_id, userId);
    if (!isCancellable(job.status)) throw stateConflict('jobs.cancel', job.status, 'non-terminal');
    const out = await callJobWorkflow(ctx, job, 'jobs.cancel', CANCELLABLE_STATES, (h) =>
      h.executeUpdate(cancelJobUpdate, { args: [{ ...actorOf(req, userId), force: false }] }),
    );
    if (out.status !== 'FAILED' || out.failureReason !== 'USER_CANCELLED')
      throw stateConflict(
        'jobs.cancel',
        out.status,
        'non-terminal',
        `The job ended as ${out.status} (${out.failureReason})`,
      );
    return { job_id, status: 'FAILED', failure_reason: 'USER_CANCELLED' };
  });
}
