/**
 * @module `POST /api/v1/jobs/:job_id/force-terminate` (API_CONTRACT §4; V1-FR-JOB-007 acceptance
 * addendum): only while the heartbeat grace period runs (or the client was declared lost) →
 * `FAILED` / `FORCE_TERMINATED_BY_USER`.
 */
import type { FastifyInstance } from 'fastify';
import { jobIdParamsSchema, type ForceTerminateResponse } from '@iama/contracts';
import { cancelJobUpdate } from '@iama/worker';
import { requireUser } from '../../plugins/auth';
import { parsePart } from '../../jobs/request';
import { loadOwnedJob } from '../../jobs/access';
import { isCancellable, stateConflict } from '../../jobs/state-guard';
import { actorOf, callJobWorkflow } from '../../jobs/workflow-call';
import type { JobRouteContext } from './context';
import { CANCELLABLE_STATES } from './cancel-job';

export function forceTerminateRoute(app: FastifyInstance, ctx: JobRouteContext): void {
  app.post('/api/v1/jobs/:job_id/force-terminate', async (req): Promise<ForceTerminateResponse> => {
    const { userId } = requireUser(req);
    const { job_id } = parsePart('jobs.forceTerminate', 'params', jobIdParamsSchema, req.params);
    const job = await loadOwnedJob(ctx.db, job_id, userId);
    const session = await ctx.db
      .selectFrom('client_heartbeat_sessions')
      .select('status')
      .where('job_id', '=', job_id)
      .orderBy('updated_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const inGrace = session?.status === 'GRACE_PERIOD' || job.status === 'CLIENT_HEARTBEAT_LOST';
    if (!isCancellable(job.status) || !inGrace)
      throw stateConflict(
        'jobs.forceTerminate',
        job.status,
        'non-terminal',
        'Force terminate is only available during the heartbeat grace period',
      );
    const out = await callJobWorkflow(ctx, job, 'jobs.forceTerminate', CANCELLABLE_STATES, (h) =>
      h.executeUpdate(cancelJobUpdate, { args: [{ ...actorOf(req, userId), force: true }] }),
    );
    if (out.status !== 'FAILED' || out.failureReason !== 'FORCE_TERMINATED_BY_USER')
      throw stateConflict(
        'jobs.forceTerminate',
        out.status,
        'non-terminal',
        `The job ended as ${out.status} (${out.failureReason})`,
      );
    return { job_id, status: 'FAILED', failure_reason: 'FORCE_TERMINATED_BY_USER' };
  });
}
