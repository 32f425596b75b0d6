/**
 * @module `GET /api/v1/auth/oauth/{github,google}/initiate` (API_CONTRACT §2; V1-FR-AUTH-002,
 * AGENT.md resolution 9): the provider's authorization URL for the IDE to open in the system
 * browser, and the `state_token` the callback will require.
 */
import type { FastifyInstance } from 'fastify';
import { oauthInitiateQuerySchema, type OauthInitiateResponse } from '@iama/contracts';
import { ApiError } from '../../errors';
import { parsePart } from '../../jobs/request';
import type { OauthProvider } from '../../auth/oauth-config';
import { createOauthState } from '../../auth/oauth-state';
import type { AuthRouteContext } from './context';

const ROUTES: Record<OauthProvider, { id: string; path: string }> = {
  GITHUB: { id: 'auth.oauthGithubInitiate', path: '/api/v1/auth/oauth/github/initiate' },
  GOOGLE: { id: 'auth.oauthGoogleInitiate', path: '/api/v1/auth/oauth/google/initiate' },
};

export function oauthInitiateRoutes(app: FastifyInstance, ctx: AuthRouteContext): void {
  for (const provider of Object.keys(ROUTES) as OauthProvider[]) {
    const { id, path } = ROUTES[provider];
    app.get(path, async (req) => {
      const query = parsePart(id, 'query', oauthInitiateQuerySchema, req.query);
      const cfg = ctx.config.oauth.providers[provider];
      if (!cfg)
        throw new ApiError('NOT_FOUND', `${provider} login is not configured on this server`, {
          provider,
        });
      const oauth = ctx.config.oauth;
      const state = await createOauthState(
        ctx.config.keys,
        provider,
        query.redirect_uri ?? oauth.defaultRedirectUri,
        oauth.stateTtlSeconds,
      );
      const url = new URL(cfg.authorizeUrl);
      url.searchParams.set('client_id', cfg.clientId);
      url.searchParams.set('redirect_uri', oauth.callbackUrl);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('scope', cfg.scopes.join(' '));
      url.searchParams.set('state', state);
      const res: OauthInitiateResponse = { authorization_url: url.toString(), state_token: state };
      return res;
    });
  }
}
