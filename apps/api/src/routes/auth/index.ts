/**
 * @module The authentication routes of API_CONTRACT §2, one operation per file, behind one
 * per-address rate limit per route (PRD V1 §16 item 6): these routes are reachable without an
 * identity, so the address is the only key there is.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../app';
import { createRateLimiter } from '../../auth/rate-limit';
import { rateLimitHook } from '../../auth/rate-limit-hook';
import type { AuthRouteContext } from './context';
import { loginRoute } from './login';
import { logoutRoute } from './logout';
import { oauthCallbackRoute } from './oauth-callback';
import { oauthInitiateRoutes } from './oauth-initiate';
import { refreshRoute } from './refresh';
import { registerRoute } from './register';

export const authRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  const ctx: AuthRouteContext = { db: deps.db, config: app.authConfig };
  const limiter = createRateLimiter(ctx.config.rateLimit);
  app.addHook(
    'onRequest',
    rateLimitHook(limiter, (req) => `${req.routeOptions.url ?? ''}|${req.ip}`),
  );
  registerRoute(app, ctx);
  loginRoute(app, ctx);
  refreshRoute(app, ctx);
  logoutRoute(app, ctx);
  oauthInitiateRoutes(app, ctx);
  oauthCallbackRoute(app, ctx);
};
