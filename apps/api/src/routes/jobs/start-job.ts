/**
 * @module `POST /api/v1/jobs/:job_id/start` (API_CONTRACT §4, §13 invariant 3; V1-FR-BIL-004,
 * PRD V1 §13 item 13): `PENDING` only. The `awaitStart` update resolves once the workflow's quota
 * gate decided (reservation under the per-user lock, entitlement snapshot before `ANALYZING`);
 * a refusal is `409 QUOTA_RESERVATION_FAILED` with the machine-readable reason.
 */
import type { FastifyInstance } from 'fastify';
import { jobIdParamsSchema, type StartJobResponse } from '@iama/contracts';
import { awaitStartUpdate } from '@iama/worker';
import { requireUser } from '../../plugins/auth';
import { ApiError } from '../../errors';
import { parsePart } from '../../jobs/request';
import { loadOwnedJob } from '../../jobs/access';
import { callJobWorkflow } from '../../jobs/workflow-call';
import type { JobRouteContext } from './context';

export function startJobRoute(app: FastifyInstance, ctx: JobRouteContext): void {
  app.post('/api/v1/jobs/:job_id/start', async (req): Promise<StartJobResponse> => {
    const { userId } = requireUser(req);
    const { job_id } = parsePart('jobs.start', 'params', jobIdParamsSchema, req.params);
    const job = await loadOwnedJob(ctx.db, job_id, userId);
    const outcome = await callJobWorkflow(ctx, job, 'jobs.start', ['PENDING'], (h) =>
      h.executeUpdate(awaitStartUpdate, { args: [] }),
    );
    if (outcome.denial)
      throw new ApiError(
        'QUOTA_RESERVATION_FAILED',
        'The quota reservation was refused; the job stays PENDING',
        { current_state: outcome.status },
        {
          denial_reason: outcome.denial.reason,
        },
      );
    if (outcome.status !== 'ANALYZING' && outcome.status !== 'QUOTA_RESERVING') {
      // The job moved on (or failed) before the answer: report it as the state it is in.
      throw new ApiError('JOB_STATE_CONFLICT', `The job is ${outcome.status}`, {
        action: 'jobs.start',
        current_state: outcome.status,
        allowed_states: ['PENDING'],
      });
    }
    return { job_id, status: 'ANALYZING' };
  });
}
