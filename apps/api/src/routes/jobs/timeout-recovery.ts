/**
 * @module D6 `POST /api/v1/jobs/:job_id/timeout-recovery` (docs/api/ADDITIONS.md; V1-FR-SBX-007,
 * V1-FR-TEST-008): the choice after a `TIMEOUT_EXECUTION` run. The states are those a test run
 * happens in; the workflow accepts it only while it awaits that choice.
 */
import type { FastifyInstance } from 'fastify';
import { timeoutRecoveryRequestSchema, type JobActionResponse } from '@iama/contracts';
import { chooseTimeoutRecoveryUpdate } from '@iama/worker';
import { jobAction } from './job-action';
import type { JobRouteContext } from './context';

export function timeoutRecoveryRoute(app: FastifyInstance, ctx: JobRouteContext): void {
  jobAction(app, ctx, {
    endpointId: 'jobs.timeoutRecovery',
    allowed: [
      'BASELINE_VALIDATION',
      'REFACTORING',
      'SELF_HEALING',
      'USER_INTERVENING',
      'DEEP_FIX_ACTIVE',
    ],
    body: timeoutRecoveryRequestSchema,
    send: async ({ handle, job, body, actor }): Promise<JobActionResponse> => {
      const out = await handle.executeUpdate(chooseTimeoutRecoveryUpdate, {
        args: [
          {
            ...actor,
            choice: body.choice,
            timeoutSeconds: body.timeout_seconds,
            testNames: body.test_names,
          },
        ],
      });
      return { job_id: job.id, status: out.status };
    },
  });
}
