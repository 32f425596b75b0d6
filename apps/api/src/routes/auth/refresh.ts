/**
 * @module `POST /api/v1/auth/refresh` (API_CONTRACT §2; V1-FR-AUTH-004): rotates the refresh
 * token (its successor is returned, docs/api/ADDITIONS.md) and issues a new access token;
 * reuse of a rotated token revokes the family.
 */
import type { FastifyInstance } from 'fastify';
import { refreshRequestSchema, type RefreshResponse } from '@iama/contracts';
import { parsePart } from '../../jobs/request';
import { signAccessToken } from '../../auth/access-token';
import { rotateRefreshToken } from '../../auth/refresh-tokens';
import { clientInfo, type AuthRouteContext } from './context';

export function refreshRoute(app: FastifyInstance, ctx: AuthRouteContext): void {
  app.post('/api/v1/auth/refresh', async (req) => {
    const body = parsePart('auth.refresh', 'body', refreshRequestSchema, req.body);
    const rotation = await rotateRefreshToken(
      ctx.db,
      body.refresh_token,
      ctx.config.refreshTtlSeconds,
      clientInfo(req).ip,
    );
    const accessToken = await signAccessToken(
      ctx.config.keys,
      rotation,
      ctx.config.accessTtlSeconds,
    );
    const res: RefreshResponse = {
      access_token: accessToken,
      refresh_token: rotation.refreshToken,
      expires_in: ctx.config.accessTtlSeconds,
    };
    return res;
  });
}
