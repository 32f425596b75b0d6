/**
 * @module `POST /api/v1/auth/logout` (API_CONTRACT §2, authenticated): revokes the session
 * (the refresh token's family) when the token is the caller's; always 204 so it reveals nothing.
 */
import type { FastifyInstance } from 'fastify';
import { logoutRequestSchema } from '@iama/contracts';
import { parsePart } from '../../jobs/request';
import { requireUser } from '../../plugins/auth';
import { AUTH_EVENTS, writeAuthAudit } from '../../auth/audit';
import { revokeForLogout } from '../../auth/refresh-tokens';
import { clientInfo, type AuthRouteContext } from './context';

export function logoutRoute(app: FastifyInstance, ctx: AuthRouteContext): void {
  app.post('/api/v1/auth/logout', async (req, reply) => {
    const user = requireUser(req);
    const body = parsePart('auth.logout', 'body', logoutRequestSchema, req.body);
    const revoked = await revokeForLogout(ctx.db, user.userId, body.refresh_token);
    if (revoked > 0)
      await writeAuthAudit(ctx.db, {
        userId: user.userId,
        eventType: AUTH_EVENTS.logout,
        ip: clientInfo(req).ip,
        newState: 'REVOKED',
        metadata: { tokens_revoked: revoked },
      });
    return reply.code(204).send();
  });
}
