/** @module D6 `POST /api/v1/jobs/:job_id/escalation/decision` (docs/api/ADDITIONS.md; V1-FR-ROUTE-003, PRD V1 §13 item 12). */
import type { FastifyInstance } from 'fastify';
import { escalationDecisionRequestSchema, type JobActionResponse } from '@iama/contracts';
import { decideEscalationUpdate } from '@iama/worker';
import { jobAction } from './job-action';
import type { JobRouteContext } from './context';

export function escalationDecisionRoute(app: FastifyInstance, ctx: JobRouteContext): void {
  jobAction(app, ctx, {
    endpointId: 'jobs.decideEscalation',
    allowed: ['WAITING_ESCALATION_DECISION'],
    body: escalationDecisionRequestSchema,
    send: async ({ handle, job, body, actor }): Promise<JobActionResponse> => {
      const out = await handle.executeUpdate(decideEscalationUpdate, {
        args: [{ ...actor, confirm: body.confirm }],
      });
      return { job_id: job.id, status: out.status };
    },
  });
}
