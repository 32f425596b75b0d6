/**
 * @module `buildApp(deps)`: the Fastify application without a socket, so tests drive it with
 * `app.inject()`; `server.ts` only listens.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';
import { registerErrorHandling } from './errors';
import authPlugin from './plugins/auth';
import type { AuthOptions } from './auth/config';
import { genReqId, registerRequestId } from './plugins/request-id';
import { billingRoutes } from './routes/billing';
import { usageRoutes } from './routes/usage';
import type { BillingOptions } from './billing/config';
import { healthRoutes } from './routes/health';
import { authRoutes } from './routes/auth';
import { subscriptionRoutes } from './routes/subscription';
import { healthProbeRoutes } from './routes/health-probe';
import { operatorSurface, type OperatorOptions } from './routes/admin';
import { jobRoutes, type JobRoutesOptions } from './routes/jobs';

export type AppDeps = {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  healthProbeEnabled: boolean;
  /** Stripe settings (`loadBillingOptions`); without them the billing routes are not registered. */
  billing?: BillingOptions;
  /** Operator API, support and telemetry settings; defaults from the environment. */
  operator?: OperatorOptions;
  /** Job API and live stream settings (LISTEN connection, keep-alive, workflow policy overrides). */
  jobs?: JobRoutesOptions;
  /** Keys, token lifetimes, OAuth providers, auth rate limits; defaults from the environment. */
  auth?: AuthOptions;
};

export async function buildApp(
  deps: AppDeps,
  logger: FastifyServerOptions['logger'] = false,
): Promise<FastifyInstance> {
  const app = Fastify({ logger, genReqId });
  registerRequestId(app);
  registerErrorHandling(app);
  await app.register(authPlugin, { db: deps.db, auth: deps.auth });
  await app.register(authRoutes, deps);
  await app.register(subscriptionRoutes);
  await app.register(operatorSurface, { db: deps.db, operator: deps.operator });
  await app.register(healthRoutes, deps);
  await app.register(usageRoutes, deps);
  await app.register(billingRoutes, deps);
  if (deps.healthProbeEnabled) await app.register(healthProbeRoutes, deps);
  await app.register(jobRoutes, deps);
  return app;
}
