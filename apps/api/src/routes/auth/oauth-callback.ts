/**
 * @module `GET /api/v1/auth/oauth/callback` (API_CONTRACT §2; V1-FR-AUTH-002): validates the
 * state (signature, expiry, provider prefix, single use), exchanges the code with the provider,
 * applies the email-collision policy, opens a session and hands it to the IDE with a 302 to the
 * `vscode://` deep link (tokens in the query: a custom-scheme URL reaches only the IDE).
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { oauthCallbackQuerySchema } from '@iama/contracts';
import { ApiError } from '../../errors';
import { parsePart } from '../../jobs/request';
import { AUTH_EVENTS, writeAuthAudit } from '../../auth/audit';
import { resolveOauthUser } from '../../auth/oauth-login';
import { exchangeCode, fetchProfile, OauthProviderError } from '../../auth/oauth-providers';
import { verifyOauthState } from '../../auth/oauth-state';
import { startSession } from '../../auth/sessions';
import { clientInfo, type AuthRouteContext } from './context';

export function oauthCallbackRoute(app: FastifyInstance, ctx: AuthRouteContext): void {
  app.get('/api/v1/auth/oauth/callback', async (req, reply) => {
    const query = parsePart('auth.oauthCallback', 'query', oauthCallbackQuerySchema, req.query);
    const client = clientInfo(req);
    const state = await verifyOauthState(ctx.config.keys, query.state);
    const cfg = ctx.config.oauth.providers[state.provider];
    if (!cfg)
      throw new ApiError('NOT_FOUND', `${state.provider} login is not configured on this server`, {
        provider: state.provider,
      });
    await consumeState(ctx, state.nonce, client.ip);
    let user;
    try {
      const token = await exchangeCode(
        state.provider,
        cfg,
        query.code,
        ctx.config.oauth.callbackUrl,
      );
      const profile = await fetchProfile(state.provider, cfg, token.accessToken);
      user = await resolveOauthUser(
        ctx.db,
        state.provider,
        { ...profile, scopes: token.scopes },
        client.ip,
      );
    } catch (err) {
      if (err instanceof OauthProviderError) {
        req.log.warn(
          { provider: err.provider, stage: err.stage, reason: err.message },
          'oauth provider refused',
        );
        throw new ApiError(
          'INVALID_CREDENTIALS',
          'The identity provider did not confirm this login',
          { provider: err.provider, stage: err.stage },
        );
      }
      throw err;
    }
    const session = await startSession(ctx.db, ctx.config, user, client, state.provider);
    const target = new URL(state.redirectUri);
    target.searchParams.set('token', session.accessToken);
    target.searchParams.set('refresh_token', session.refreshToken);
    target.searchParams.set('expires_in', String(session.expiresIn));
    target.searchParams.set('state', query.state);
    return reply
      .code(302)
      .header('location', target.toString())
      .header('cache-control', 'no-store')
      .send();
  });
}

/** Single use: the first callback with a state records it; any later one is refused. */
async function consumeState(
  ctx: AuthRouteContext,
  nonce: string,
  ip: string | null,
): Promise<void> {
  const fresh = await ctx.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`oauth-state:${nonce}`}))`.execute(trx);
    const used = await trx
      .selectFrom('audit_events')
      .select('id')
      .where('event_type', '=', AUTH_EVENTS.oauthStateUsed)
      .where('metadata', '@>', JSON.stringify({ nonce }))
      .executeTakeFirst();
    if (used) return false;
    await writeAuthAudit(trx, {
      userId: null,
      eventType: AUTH_EVENTS.oauthStateUsed,
      ip,
      metadata: { nonce },
    });
    return true;
  });
  if (!fresh)
    throw new ApiError(
      'INVALID_CREDENTIALS',
      'OAuth state was already used; start the login again',
      { reason: 'OAUTH_STATE_INVALID' },
    );
}
