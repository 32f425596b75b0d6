/**
 * @module `POST /api/v1/jobs/:job_id/intervention/run-tests` (API_CONTRACT §4; V1-FR-DEL-002,
 * ARCHITECTURE D5): in `USER_INTERVENING`, with the hand-edited files (D6 body), the workflow
 * issues a test request (`test_requested` on the stream) and answers with its `test_runs.id`.
 */
import type { FastifyInstance } from 'fastify';
import {
  interventionRunTestsRequestSchema,
  type InterventionRunTestsResponse,
} from '@iama/contracts';
import { interventionRunTestsUpdate } from '@iama/worker';
import { jobAction } from './job-action';
import type { JobRouteContext } from './context';

export function interventionRunTestsRoute(app: FastifyInstance, ctx: JobRouteContext): void {
  jobAction(app, ctx, {
    endpointId: 'jobs.interventionRunTests',
    allowed: ['USER_INTERVENING'],
    body: interventionRunTestsRequestSchema,
    send: async ({ handle, body, actor }): Promise<InterventionRunTestsResponse> => {
      const out = await handle.executeUpdate(interventionRunTestsUpdate, {
        args: [{ ...actor, files: body?.files ?? [] }],
      });
      return { test_run_id: out.testRunId, status: 'RUNNING' };
    },
  });
}
