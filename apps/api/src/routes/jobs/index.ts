/**
 * @module The job API (API_CONTRACT §4, the D5 report endpoint and the D6 additions of
 * docs/api/ADDITIONS.md), one operation per file. This plugin owns the stream hub: one LISTEN
 * connection per API process, closed with the app, and ends open streams so `close()` returns.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../app';
import { JobEventHub } from '../../jobs/event-hub';
import type { JobRouteContext } from './context';
import { getJobRoute } from './get-job';
import { jobLogsRoute } from './job-logs';
import { listJobsRoute } from './list-jobs';

export type { JobRoutesOptions } from './context';

export const jobRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  const opts = deps.jobs ?? {};
  const hub = new JobEventHub({
    databaseUrl: opts.databaseUrl,
    pollMs: opts.pollMs,
    onError: (err) => app.log.warn({ err }, 'job event listener lost; polling until it reconnects'),
  });
  await hub.start();
  const ctx: JobRouteContext = {
    db: deps.db,
    temporal: deps.temporal,
    taskQueue: deps.taskQueue,
    hub,
    keepAliveMs: opts.keepAliveMs ?? 15_000,
    streams: new Set(),
    workflowPolicy: opts.workflowPolicy,
  };
  app.addHook('preClose', async () => {
    for (const raw of ctx.streams) raw.end();
  });
  app.addHook('onClose', async () => hub.close());

  listJobsRoute(app, ctx);
  getJobRoute(app, ctx);
  jobLogsRoute(app, ctx);
};
