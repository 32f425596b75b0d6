/** @module D6 `POST /api/v1/jobs/:job_id/spec/revise` (docs/api/ADDITIONS.md; PRD V1 §13 items 6, 11): back to `WAITING_SPEC_APPROVAL`, the workflow resets the three counters atomically. */
import type { FastifyInstance } from 'fastify';
import type { JobActionResponse } from '@iama/contracts';
import { reviseSpecsUpdate } from '@iama/worker';
import { jobAction } from './job-action';
import type { JobRouteContext } from './context';

export function reviseSpecsRoute(app: FastifyInstance, ctx: JobRouteContext): void {
  jobAction(app, ctx, {
    endpointId: 'jobs.reviseSpecs',
    allowed: ['BASELINE_VALIDATION_FAILED', 'FALLBACK_REQUIRED'],
    send: async ({ handle, job, actor }): Promise<JobActionResponse> => {
      const out = await handle.executeUpdate(reviseSpecsUpdate, { args: [actor] });
      return { job_id: job.id, status: out.status };
    },
  });
}
