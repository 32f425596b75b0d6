/**
 * @module The worker's IAMA Router (issue #4; ADR-002; ARCHITECTURE D2): `@iama/llm` wired to
 * PostgreSQL through `@iama/llm/postgres` — route table from `dynamic_configs` (reloaded after the
 * TTL or on `invalidateRoutes()`), `usage_ledger`, `audit_events`, route records and provider
 * status — with secrets from mounted files and the environment. Activities get it from here;
 * nothing else builds a router.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';
import type { ModelRoutes } from '@iama/contracts';
import {
  chainSecrets,
  createRouter,
  envSecrets,
  fileSecrets,
  issueConfirmationToken,
  SecretNotFoundError,
  type ConfirmationClaims,
  type IamaRouter,
  type RouterOptions,
} from '@iama/llm';
import {
  dynamicConfigRoutes,
  pgAudit,
  pgLedger,
  pgProviderStatus,
  pgRouteRecords,
  seedModelRoutes,
} from '@iama/llm/postgres';
import { RouterConfigError, type RouterConfig } from './router-config';

export type WorkerRouterDeps = {
  db: Kysely<Database>;
  config: RouterConfig;
  /** Where `env:` references resolve (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Routes written to `dynamic_configs` for classes that have no row yet (bootstrap, ADR-002 action item 7). */
  seedRoutes?: ModelRoutes;
  /** Tuning the router's defaults (retry policy, heartbeat, prices); never its ports. */
  tuning?: Pick<
    RouterOptions,
    | 'retry'
    | 'heartbeatIntervalMs'
    | 'l1SessionLimit'
    | 'l1MaxWaitMs'
    | 'prices'
    | 'structuredOutput'
  >;
};

export type WorkerRouter = {
  router: IamaRouter;
  /**
   * Issues the confirmation token of one escalated attempt with the router's key, after the user
   * confirmed (or from a job-start pre-authorization): V1-FR-SUB-006, V1-FR-ROUTE-003.
   */
  issueConfirmation(claims: ConfirmationClaims): string;
};

/**
 * @example
 * const { router, issueConfirmation } = await createWorkerRouter({ db, config: loadRouterConfig() });
 * const { output } = await router.call({ snapshot, stage: 'test_generation', attemptNumber, sessionId, family: 'test_plan', prompt });
 */
export async function createWorkerRouter(deps: WorkerRouterDeps): Promise<WorkerRouter> {
  const { db, config } = deps;
  const env = envSecrets(deps.env ?? process.env);
  const secrets = config.secretsDir ? chainSecrets(fileSecrets(config.secretsDir), env) : env;
  const confirmationKey = await confirmationKeyOf(
    secrets.resolve(config.confirmationKeyRef),
    config,
  );
  if (deps.seedRoutes) await seedModelRoutes(db, deps.seedRoutes);
  const router = createRouter({
    ...deps.tuning,
    proxyUrl: config.proxyUrl,
    ...(config.proxyKeyRef ? { proxyKeyRef: config.proxyKeyRef } : {}),
    secrets,
    routes: dynamicConfigRoutes(db),
    routeTableTtlMs: config.routeTableTtlMs,
    ledger: pgLedger(db),
    audit: pgAudit(db),
    records: pgRouteRecords(db),
    statusSink: pgProviderStatus(db),
    confirmationKey,
  });
  return { router, issueConfirmation: (claims) => issueConfirmationToken(claims, confirmationKey) };
}

/**
 * Production needs the key shared by every worker. Elsewhere (dev stack, demo, tests) a missing
 * key becomes a random per-process one: tokens then do not survive a worker restart, which only
 * costs a re-confirmation.
 */
async function confirmationKeyOf(
  resolved: Promise<string>,
  config: RouterConfig,
): Promise<string | Buffer> {
  try {
    return await resolved;
  } catch (err) {
    if (!(err instanceof SecretNotFoundError)) throw err;
    if (config.production)
      throw new RouterConfigError(
        `the escalation confirmation key (${config.confirmationKeyRef}) is not available; set it or IAMA_CONFIRMATION_KEY_REF`,
      );
    return randomBytes(32);
  }
}
