/** @module D6 `POST /api/v1/jobs/:job_id/intervention/continue` (docs/api/ADDITIONS.md; PRD V1 §13 item 8): `WAITING_INTERVENTION` → `SELF_HEALING`, counters kept. */
import type { FastifyInstance } from 'fastify';
import type { JobActionResponse } from '@iama/contracts';
import { chooseInterventionUpdate } from '@iama/worker';
import { jobAction } from './job-action';
import type { JobRouteContext } from './context';

export function continueRepairRoute(app: FastifyInstance, ctx: JobRouteContext): void {
  jobAction(app, ctx, {
    endpointId: 'jobs.continueRepair',
    allowed: ['WAITING_INTERVENTION'],
    send: async ({ handle, job, actor }): Promise<JobActionResponse> => {
      const out = await handle.executeUpdate(chooseInterventionUpdate, {
        args: [{ ...actor, choice: 'CONTINUE' }],
      });
      return { job_id: job.id, status: out.status };
    },
  });
}
