/**
 * @module `POST /api/v1/jobs/:job_id/spec/approve` (API_CONTRACT §4; V1-FR-TEST-001, V1-FR-SPEC-003):
 * `WAITING_SPEC_APPROVAL` → `GENERATING_TESTS`. The approval names the newest revision, so a
 * revision written by another surface meanwhile is never approved unseen (the workflow refuses a
 * stale id).
 */
import type { FastifyInstance } from 'fastify';
import type { ApproveSpecResponse } from '@iama/contracts';
import { approveSpecUpdate } from '@iama/worker';
import { currentSpec } from '../../jobs/spec-store';
import { stateConflict } from '../../jobs/state-guard';
import { jobAction } from './job-action';
import type { JobRouteContext } from './context';

export function approveSpecRoute(app: FastifyInstance, ctx: JobRouteContext): void {
  jobAction(app, ctx, {
    endpointId: 'jobs.approveSpec',
    allowed: ['WAITING_SPEC_APPROVAL'],
    send: async ({ handle, job, actor }): Promise<ApproveSpecResponse> => {
      const spec = await currentSpec(ctx.db, job.id);
      if (!spec)
        throw stateConflict(
          'jobs.approveSpec',
          job.status,
          ['WAITING_SPEC_APPROVAL'],
          'There is no spec revision to approve yet',
        );
      const out = await handle.executeUpdate(approveSpecUpdate, {
        args: [{ ...actor, specRevisionId: spec.revision_id }],
      });
      if (out.status !== 'GENERATING_TESTS')
        throw stateConflict('jobs.approveSpec', out.status, ['WAITING_SPEC_APPROVAL']);
      return { job_id: job.id, status: 'GENERATING_TESTS' };
    },
  });
}
