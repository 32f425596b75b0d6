/**
 * @module The operator surface (issue #5 part C) as one plugin: admin auth and the §6 routes,
 * the bootstrap SUPER_ADMIN, the request-outcome counter behind the health dashboard, and the
 * support (§7) and telemetry (§11) routes. Wrapped with fastify-plugin so the counter sees every
 * route of the app, not only its own.
 */
import { join } from 'node:path';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';
import adminAuthPlugin from '../../plugins/admin-auth';
import { ApiMetrics } from '../../admin/api-metrics';
import { ensureBootstrapAdmin } from '../../admin/bootstrap';
import { operatorOptionsFromEnv, type OperatorOptions } from '../../admin/options';
import { adminAuthRoutes } from './auth';
import { adminAccountRoutes } from './accounts';
import { adminOperatorRoutes } from './operator';
import { supportRoutes } from '../support/create-ticket';
import { telemetryRoutes } from '../telemetry/ingest-events';
import { fileTelemetrySink } from '../telemetry/sink';
import { localTicketing } from '../support/ticketing';

export type { OperatorOptions } from '../../admin/options';

export type OperatorPluginOptions = { db: Kysely<Database>; operator?: OperatorOptions };

async function operatorPlugin(app: FastifyInstance, opts: OperatorPluginOptions): Promise<void> {
  const options = opts.operator ?? operatorOptionsFromEnv();
  if (options.bootstrap)
    await ensureBootstrapAdmin(opts.db, options.bootstrap, options.totpKey ?? null);
  const metrics = new ApiMetrics(options.now);
  app.addHook('onResponse', async (_req, reply) => {
    metrics.record(reply.statusCode);
  });
  await app.register(adminAuthPlugin, {
    db: opts.db,
    now: options.now,
    totpKey: options.totpKey ?? null,
  });
  await app.register(adminAuthRoutes);
  await app.register(adminAccountRoutes);
  await app.register(adminOperatorRoutes, {
    metrics,
    liteLlmBaseUrl: options.liteLlmBaseUrl ?? null,
  });
  await app.register(supportRoutes, { ticketing: options.ticketing ?? localTicketing() });
  await app.register(telemetryRoutes, {
    sink: options.telemetrySink ?? fileTelemetrySink(join(process.cwd(), '.data', 'telemetry')),
  });
}

export const operatorSurface = fp(operatorPlugin, { name: 'iama-operator', fastify: '5.x' });
