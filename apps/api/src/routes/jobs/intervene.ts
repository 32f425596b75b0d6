/** @module D6 `POST /api/v1/jobs/:job_id/intervention/intervene` (docs/api/ADDITIONS.md; PRD V1 §13 item 8): `WAITING_INTERVENTION` → `USER_INTERVENING`. */
import type { FastifyInstance } from 'fastify';
import type { JobActionResponse } from '@iama/contracts';
import { chooseInterventionUpdate } from '@iama/worker';
import { jobAction } from './job-action';
import type { JobRouteContext } from './context';

export function interveneRoute(app: FastifyInstance, ctx: JobRouteContext): void {
  jobAction(app, ctx, {
    endpointId: 'jobs.intervene',
    allowed: ['WAITING_INTERVENTION'],
    send: async ({ handle, job, actor }): Promise<JobActionResponse> => {
      const out = await handle.executeUpdate(chooseInterventionUpdate, {
        args: [{ ...actor, choice: 'INTERVENE' }],
      });
      return { job_id: job.id, status: out.status };
    },
  });
}
