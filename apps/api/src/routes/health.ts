/**
 * @module Liveness/readiness: `GET /health` reports whether PostgreSQL and Temporal answer.
 * Operational endpoint outside `/api/v1` (docs/api/ADDITIONS.md).
 */
import { sql } from 'kysely';
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../app';

type Check = 'ok' | 'down';

export const healthRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  app.get('/health', async (_req, reply) => {
    const [database, temporal] = await Promise.all([
      probe(() => sql`select 1`.execute(deps.db)),
      probe(() => deps.temporal.workflowService.getSystemInfo({})),
    ]);
    const ok = database === 'ok' && temporal === 'ok';
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', checks: { database, temporal } });
  });
};

async function probe(fn: () => Promise<unknown>): Promise<Check> {
  try {
    await fn();
    return 'ok';
  } catch {
    return 'down';
  }
}
