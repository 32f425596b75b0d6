/**
 * @module `POST /api/v1/auth/login` (API_CONTRACT §2; V1-FR-AUTH-001): one answer,
 * `INVALID_CREDENTIALS`, for an unknown email, an OAuth-only account and a wrong password, each
 * costing one argon2id verification so timing does not tell them apart; failures are audited
 * (they feed the suspicious-login check, V1-FR-SEC-001).
 */
import type { FastifyInstance } from 'fastify';
import { loginRequestSchema, type LoginResponse } from '@iama/contracts';
import { ApiError } from '../../errors';
import { parsePart } from '../../jobs/request';
import { AUTH_EVENTS, writeAuthAudit } from '../../auth/audit';
import { dummyPasswordHash, verifyPassword } from '../../auth/password';
import { startSession } from '../../auth/sessions';
import { clientInfo, normalizeEmail, type AuthRouteContext } from './context';

export function loginRoute(app: FastifyInstance, ctx: AuthRouteContext): void {
  app.post('/api/v1/auth/login', async (req) => {
    const body = parsePart('auth.login', 'body', loginRequestSchema, req.body);
    const client = clientInfo(req);
    const user = await ctx.db
      .selectFrom('users')
      .select(['id', 'email', 'password_hash'])
      .where('email', '=', normalizeEmail(body.email))
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    const ok = await verifyPassword(
      user?.password_hash ?? (await dummyPasswordHash()),
      body.password,
    );
    if (!user || !user.password_hash || !ok) {
      if (user)
        await writeAuthAudit(ctx.db, {
          userId: user.id,
          eventType: AUTH_EVENTS.loginFailed,
          ip: client.ip,
          metadata: { method: 'PASSWORD' },
        });
      throw new ApiError('INVALID_CREDENTIALS', 'Email or password is incorrect');
    }
    const session = await startSession(
      ctx.db,
      ctx.config,
      { userId: user.id, email: user.email },
      client,
      'PASSWORD',
    );
    const res: LoginResponse = {
      access_token: session.accessToken,
      refresh_token: session.refreshToken,
      expires_in: session.expiresIn,
    };
    return res;
  });
}
