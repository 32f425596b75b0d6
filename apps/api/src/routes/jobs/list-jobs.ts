/** @module `GET /api/v1/jobs` (API_CONTRACT §4; V1-FR-JOB-001, V1-FR-JOB-002): the caller's jobs, newest first. */
import type { FastifyInstance } from 'fastify';
import { listJobsQuerySchema, type ListJobsResponse } from '@iama/contracts';
import { requireUser } from '../../plugins/auth';
import { parsePart } from '../../jobs/request';
import { jobViewQuery, toJob } from '../../jobs/job-view';
import type { JobRouteContext } from './context';

export function listJobsRoute(app: FastifyInstance, ctx: JobRouteContext): void {
  app.get('/api/v1/jobs', async (req): Promise<ListJobsResponse> => {
    const { userId } = requireUser(req);
    const q = parsePart('jobs.list', 'query', listJobsQuerySchema, req.query);
    let filtered = ctx.db.selectFrom('refactor_jobs').where('owner_id', '=', userId);
    if (q.status) filtered = filtered.where('status', '=', q.status);
    let page = jobViewQuery(ctx.db).where('j.owner_id', '=', userId);
    if (q.status) page = page.where('j.status', '=', q.status);
    const [rows, count] = await Promise.all([
      page
        .orderBy('j.created_at', 'desc')
        .orderBy('j.id', 'desc')
        .limit(q.limit)
        .offset(q.offset)
        .execute(),
      filtered.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    const total = Number(count.n);
    return { items: rows.map(toJob), total, has_more: q.offset + rows.length < total };
  });
}
