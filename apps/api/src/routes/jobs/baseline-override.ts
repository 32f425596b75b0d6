/** @module D6 `POST /api/v1/jobs/:job_id/baseline/override` (docs/api/ADDITIONS.md; V1-FR-TEST-005): quarantine / mock failing baseline tests, audited by the workflow, then re-validate. */
import type { FastifyInstance } from 'fastify';
import { baselineOverrideRequestSchema, type JobActionResponse } from '@iama/contracts';
import { baselineOverrideUpdate } from '@iama/worker';
import { jobAction } from './job-action';
import type { JobRouteContext } from './context';

export function baselineOverrideRoute(app: FastifyInstance, ctx: JobRouteContext): void {
  jobAction(app, ctx, {
    endpointId: 'jobs.baselineOverride',
    allowed: ['BASELINE_VALIDATION_FAILED'],
    body: baselineOverrideRequestSchema,
    send: async ({ handle, job, body, actor }): Promise<JobActionResponse> => {
      const out = await handle.executeUpdate(baselineOverrideUpdate, {
        args: [{ ...actor, kind: body.kind, testNames: body.test_names, reason: body.reason }],
      });
      return { job_id: job.id, status: out.status };
    },
  });
}
