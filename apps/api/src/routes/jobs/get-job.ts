/** @module `GET /api/v1/jobs/:job_id` (API_CONTRACT §4, invariant 6; V1-FR-JOB-002, V1-FR-JOB-003, V1-FR-JOB-007). */
import type { FastifyInstance } from 'fastify';
import { jobIdParamsSchema, type Job } from '@iama/contracts';
import { requireUser } from '../../plugins/auth';
import { ApiError } from '../../errors';
import { parsePart } from '../../jobs/request';
import { jobViewQuery, toJob } from '../../jobs/job-view';
import type { JobRouteContext } from './context';

export function getJobRoute(app: FastifyInstance, ctx: JobRouteContext): void {
  app.get('/api/v1/jobs/:job_id', async (req): Promise<Job> => {
    const { userId } = requireUser(req);
    const { job_id } = parsePart('jobs.get', 'params', jobIdParamsSchema, req.params);
    // One query answers both existence and ownership: the poll path stays a single round trip.
    const row = await jobViewQuery(ctx.db)
      .select('j.owner_id')
      .where('j.id', '=', job_id)
      .executeTakeFirst();
    if (!row) throw new ApiError('JOB_NOT_FOUND', 'No job with this id');
    if (row.owner_id !== userId)
      throw new ApiError('JOB_OWNERSHIP_VIOLATION', 'This job belongs to another user');
    return toJob(row);
  });
}
