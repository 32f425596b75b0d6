/**
 * @module Closed by default (V1-FR-AUTH-003, issue #5): an `onRequest` hook authenticates every
 * route whose `ENDPOINTS` entry says `auth: 'user'` — and every `/api/…` route the registry does
 * not know — from `Authorization: Bearer <RS256 access token>`, and answers 401 with the §12
 * envelope otherwise. Routes marked `none` (register, login, refresh, OAuth), `webhook` and
 * `admin` (the operator plugin checks its own sessions) are let through; a route may override
 * with `config: { auth }`. Handlers read the caller with `requireUser(req)`. When per-tier limits
 * are configured, each authenticated user also spends from a bucket sized by their tier.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';
import { findEndpoint, type EndpointAuth, type HttpMethod } from '@iama/contracts';
import { ApiError } from '../errors';
import { verifyAccessToken } from '../auth/access-token';
import { resolveAuthConfig, type AuthConfig, type AuthOptions } from '../auth/config';
import { loadIdentity, type Identity } from '../auth/identity';
import { createRateLimiter } from '../auth/rate-limit';
import { applyRateLimit } from '../auth/rate-limit-hook';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on `user` routes; read it through `requireUser`. */
    identity: Identity | null;
  }
  interface FastifyInstance {
    /** The resolved auth settings (keys, token lifetimes, OAuth, rate limits). */
    authConfig: AuthConfig;
  }
  interface FastifyContextConfig {
    /** Overrides the `ENDPOINTS` entry's `auth` for this route. */
    auth?: EndpointAuth;
  }
}

export type AuthPluginOptions = { db: Kysely<Database>; auth?: AuthOptions };

/** The auth policy of the matched route; unknown `/api/` routes are `user` (closed by default). */
export function routeAuthPolicy(req: FastifyRequest): EndpointAuth {
  const configured = req.routeOptions.config.auth;
  if (configured) return configured;
  const url = req.routeOptions.url;
  if (!url) return 'none';
  const endpoint = findEndpoint(req.routeOptions.method as HttpMethod, url);
  if (endpoint) return endpoint.auth;
  // Fastify answers HEAD for every GET route; it shares the GET route's policy.
  if (req.method === 'HEAD')
    return findEndpoint('GET', url)?.auth ?? (url.startsWith('/api/') ? 'user' : 'none');
  return url.startsWith('/api/') ? 'user' : 'none';
}

/** The bearer token of a request, or `null`. */
export function bearerToken(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

/**
 * The authenticated caller of a `user` route; throws `INVALID_CREDENTIALS` (401) on a route
 * that did not authenticate.
 * @example const { userId, tier } = requireUser(req);
 */
export function requireUser(req: FastifyRequest): Identity {
  if (!req.identity) throw new ApiError('INVALID_CREDENTIALS', 'Authentication required');
  return req.identity;
}

async function authenticate(
  db: Kysely<Database>,
  config: AuthConfig,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  void reply.header('www-authenticate', 'Bearer');
  const token = bearerToken(req);
  if (!token) throw new ApiError('INVALID_CREDENTIALS', 'Missing bearer token');
  const claims = await verifyAccessToken(config.keys, token);
  const identity = await loadIdentity(db, claims.userId);
  if (!identity) throw new ApiError('INVALID_CREDENTIALS', 'Account no longer exists');
  req.identity = identity;
}

async function authPlugin(app: FastifyInstance, opts: AuthPluginOptions): Promise<void> {
  const config = resolveAuthConfig(opts.auth);
  app.decorate('authConfig', config);
  app.decorateRequest('identity', null);
  // Per-user buckets of the caller's tier (PRD V1 §16 item 6), when configured.
  const tierLimiters =
    config.tierRateLimits &&
    new Map(Object.entries(config.tierRateLimits).map(([tier, p]) => [tier, createRateLimiter(p)]));
  app.addHook('onRequest', async (req, reply) => {
    if (req.is404) return;
    if (routeAuthPolicy(req) !== 'user') return;
    await authenticate(opts.db, config, req, reply);
    const limiter = tierLimiters?.get(req.identity!.tier);
    if (limiter) applyRateLimit(limiter, req.identity!.userId, reply, Date.now());
  });
}

export default fp(authPlugin, { name: 'iama-auth', fastify: '5.x' });
