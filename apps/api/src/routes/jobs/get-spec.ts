/** @module `GET /api/v1/jobs/:job_id/spec` (API_CONTRACT §4; V1-FR-SPEC-002/003/005, V2-FR-WF-004): the newest revision. */
import type { FastifyInstance } from 'fastify';
import { jobIdParamsSchema, type SpecResponse } from '@iama/contracts';
import { requireUser } from '../../plugins/auth';
import { parsePart } from '../../jobs/request';
import { loadOwnedJob } from '../../jobs/access';
import { currentSpec } from '../../jobs/spec-store';
import { stateConflict } from '../../jobs/state-guard';
import type { JobRouteContext } from './context';

export function getSpecRoute(app: FastifyInstance, ctx: JobRouteContext): void {
  app.get('/api/v1/jobs/:job_id/spec', async (req): Promise<SpecResponse> => {
    const { userId } = requireUser(req);
    const { job_id } = parsePart('jobs.getSpec', 'params', jobIdParamsSchema, req.params);
    const job = await loadOwnedJob(ctx.db, job_id, userId);
    const spec = await currentSpec(ctx.db, job_id);
    if (!spec)
      throw stateConflict(
        'jobs.getSpec',
        job.status,
        ['WAITING_SPEC_APPROVAL'],
        'No spec has been extracted for this job yet',
      );
    return spec;
  });
}
