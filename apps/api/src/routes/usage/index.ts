/**
 * @module `GET /api/v1/usage/summary` (API_CONTRACT §3; V1-FR-SUB-002/003, V1-FR-PAY-006): the
 * caller's current-cycle quota position, with the display block of docs/api/ADDITIONS.md.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../app';
import { requireUser } from '../../plugins/auth';
import { usageSummary } from '../../quota';

export const usageRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  app.get('/api/v1/usage/summary', async (req) => usageSummary(deps.db, requireUser(req).userId));
};
