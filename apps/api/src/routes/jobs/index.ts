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
import { getFallbackRoute } from './get-fallback';
import { createJobRoute } from './create-job';
import { startJobRoute } from './start-job';
import { cancelJobRoute } from './cancel-job';
import { forceTerminateRoute } from './force-terminate';
import { heartbeatRoute } from './heartbeat';
import { getProposalsRoute } from './get-proposals';
import { selectProposalRoute } from './select-proposal';
import { getSpecRoute } from './get-spec';
import { updateSpecRoute } from './update-spec';
import { approveSpecRoute } from './approve-spec';
import { deepFixRoute } from './deep-fix';
import { interventionCommandRoute } from './intervention-command';
import { interventionRunTestsRoute } from './intervention-run-tests';
import { reportTestsRoute } from './report-tests';
import { interveneRoute } from './intervene';
import { continueRepairRoute } from './continue-repair';
import { escalationDecisionRoute } from './escalation-decision';
import { reviseSpecsRoute } from './revise-specs';
import { baselineOverrideRoute } from './baseline-override';
import { timeoutRecoveryRoute } from './timeout-recovery';
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

  // API_CONTRACT §4 order, then D5 and the D6 additions.
  createJobRoute(app, ctx);
  listJobsRoute(app, ctx);
  getJobRoute(app, ctx);
  startJobRoute(app, ctx);
  cancelJobRoute(app, ctx);
  getProposalsRoute(app, ctx);
  selectProposalRoute(app, ctx);
  getSpecRoute(app, ctx);
  updateSpecRoute(app, ctx);
  approveSpecRoute(app, ctx);
  jobLogsRoute(app, ctx);
  getFallbackRoute(app, ctx);
  deepFixRoute(app, ctx);
  interventionCommandRoute(app, ctx);
  interventionRunTestsRoute(app, ctx);
  heartbeatRoute(app, ctx);
  forceTerminateRoute(app, ctx);
  reportTestsRoute(app, ctx);
  interveneRoute(app, ctx);
  continueRepairRoute(app, ctx);
  escalationDecisionRoute(app, ctx);
  reviseSpecsRoute(app, ctx);
  baselineOverrideRoute(app, ctx);
  timeoutRecoveryRoute(app, ctx);
};
