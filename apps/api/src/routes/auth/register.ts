/**
 * @module `POST /api/v1/auth/register` (API_CONTRACT §2; V1-FR-AUTH-001): argon2id-hashed
 * password, the new account's Free `subscription_tiers` row and the audit row in one
 * transaction; a taken email is `EMAIL_ALREADY_EXISTS` and writes nothing.
 */
import type { FastifyInstance } from 'fastify';
import { registerRequestSchema, type RegisterResponse } from '@iama/contracts';
import { ApiError } from '../../errors';
import { parsePart } from '../../jobs/request';
import { AUTH_EVENTS, writeAuthAudit } from '../../auth/audit';
import { hashPassword } from '../../auth/password';
import { insertInitialSubscription } from '../../entitlements/current-subscription';
import { clientInfo, normalizeEmail, type AuthRouteContext } from './context';

export function registerRoute(app: FastifyInstance, ctx: AuthRouteContext): void {
  app.post('/api/v1/auth/register', async (req, reply) => {
    const body = parsePart('auth.register', 'body', registerRequestSchema, req.body);
    const email = normalizeEmail(body.email);
    const passwordHash = await hashPassword(body.password);
    const created = await ctx.db.transaction().execute(async (trx) => {
      const user = await trx
        .insertInto('users')
        .values({ email, password_hash: passwordHash })
        .onConflict((oc) => oc.column('email').doNothing())
        .returning(['id', 'email', 'created_at'])
        .executeTakeFirst();
      if (!user) return null;
      await insertInitialSubscription(trx, user.id);
      await writeAuthAudit(trx, {
        userId: user.id,
        eventType: AUTH_EVENTS.register,
        ip: clientInfo(req).ip,
        newState: 'ACTIVE',
        metadata: { method: 'PASSWORD' },
      });
      return user;
    });
    if (!created)
      throw new ApiError('EMAIL_ALREADY_EXISTS', 'An account with this email already exists');
    const res: RegisterResponse = {
      user_id: created.id,
      email: created.email,
      created_at: created.created_at.toISOString(),
    };
    return reply.code(201).send(res);
  });
}
