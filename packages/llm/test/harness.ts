/**
 * @module Shared set-up of the router tests: the fixture model behind the real LiteLLM Proxy
 * (`useModelProxy`), a scratch PostgreSQL database per test file migrated to the latest schema,
 * and routers wired to it through the `@iama/llm/postgres` adapters — `usage_ledger`,
 * `audit_events` and the route table in `dynamic_configs` — exactly as the worker wires them.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  createDb,
  migrate,
  startTemporaryPostgres,
  withScratchDatabase,
  type Database,
  type JsonObject,
  type RunningPostgres,
} from '@iama/db';
import { fixtureRoutes } from '@iama/devstack/litellm';
import { useModelProxy, type ModelProxy } from '@iama/devstack/model-proxy';
import type { RecordedRequest } from '@iama/fixture-model';
import { modelRouteKey, type ModelClass, type ModelRouteConfig } from '@iama/contracts';
import {
  createRouter,
  envSecrets,
  type EntitlementSnapshot,
  type IamaRouter,
  type RouterOptions,
} from '../src/index';
import {
  dynamicConfigRoutes,
  pgAudit,
  pgLedger,
  pgProviderStatus,
  pgRouteRecords,
  ROUTE_RECORD_EVENT,
  seedModelRoutes,
} from '../src/postgres/index';

export const CONFIRMATION_KEY = 'test-confirmation-key';

/**
 * A scratch database (`iama_t_<random>`) on `DATABASE_URL`'s server, or on a temporary embedded
 * one, migrated up; `stop()` drops it.
 */
export async function useScratchDatabase(): Promise<{
  db: Kysely<Database>;
  stop(): Promise<void>;
}> {
  let server: RunningPostgres | undefined;
  const serverUrl = process.env.DATABASE_URL ?? (server = await startTemporaryPostgres()).url;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let opened!: (url: string) => void;
  const url = new Promise<string>((resolve) => (opened = resolve));
  const held = withScratchDatabase(serverUrl, 'iama_t', async (scratchUrl) => {
    opened(scratchUrl);
    await released;
  });
  const scratchUrl = await Promise.race([
    url,
    held.then(() => Promise.reject(new Error('scratch database closed early'))),
  ]);
  await migrate(scratchUrl, { direction: 'up' });
  const { db, close } = createDb(scratchUrl, 4);
  return {
    db,
    stop: async () => {
      await close();
      release();
      await held;
      await server?.stop();
    },
  };
}

export type AuditRow = {
  event_type: string;
  job_id: string | null;
  actor_id: string | null;
  old_state: string | null;
  new_state: string | null;
  metadata: Record<string, unknown>;
};

export type RouterTestContext = {
  models: ModelProxy;
  db: Kysely<Database>;
  /** A router on the real path with fast retries and the PostgreSQL adapters. */
  rig(overrides?: Partial<RouterOptions>): IamaRouter;
  /** A snapshot of a fresh user's fresh job (the rows the ledger and audit foreign keys need). */
  snapshot(
    tier: EntitlementSnapshot['tier'],
    extra?: Partial<EntitlementSnapshot>,
  ): Promise<EntitlementSnapshot>;
  ledger(jobId: string): Promise<
    {
      idempotency_key: string;
      event_type: string;
      quantity: number;
      billable: boolean;
      failure_class: string | null;
      user_id: string;
    }[]
  >;
  audit(jobId: string, eventType?: string): Promise<AuditRow[]>;
  /** `llm_call_routed` metadata of a job, oldest first. */
  records(jobId: string): Promise<Record<string, unknown>[]>;
  /** The operator edits `model.<class>` in `dynamic_configs`. */
  setRoute(modelClass: ModelClass, patch: Partial<ModelRouteConfig>): Promise<void>;
  /** Back to the fixture routes (for `beforeEach`: the table is shared by the file's tests). */
  resetRoutes(): Promise<void>;
  stop(): Promise<void>;
};

export async function routerTestContext(): Promise<RouterTestContext> {
  const models = await useModelProxy();
  const scratch = await useScratchDatabase().catch(async (err: unknown) => {
    await models.stop();
    throw err;
  });
  const { db } = scratch;
  const defaults = fixtureRoutes(models.fixtureUrl);
  const resetRoutes = async () => {
    await db.deleteFrom('dynamic_configs').where('config_key', 'like', 'model.%').execute();
    await seedModelRoutes(db, defaults, 'test fixture routes');
  };
  await resetRoutes();
  return {
    models,
    db,
    rig: (overrides = {}) =>
      createRouter({
        proxyUrl: models.proxyUrl,
        secrets: envSecrets(),
        routes: dynamicConfigRoutes(db),
        ledger: pgLedger(db),
        audit: pgAudit(db),
        records: pgRouteRecords(db),
        statusSink: pgProviderStatus(db),
        confirmationKey: CONFIRMATION_KEY,
        retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
        ...overrides,
      }),
    async snapshot(tier, extra = {}) {
      const user = await db
        .insertInto('users')
        .values({ email: `${randomUUID()}@example.test` })
        .returning('id')
        .executeTakeFirstOrThrow();
      const job = await db
        .insertInto('refactor_jobs')
        .values({
          owner_id: user.id,
          execution_mode: 'LOCAL_NATIVE',
          target_paths: ['src/target.ts'],
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const phases = tier === 'FREE' ? [1] : tier === 'PLUS' || tier === 'PRO' ? [1, 2] : [1, 2, 3];
      const mode =
        tier === 'FREE' || tier === 'PLUS'
          ? 'SIMPLE'
          : tier === 'ENTERPRISE'
            ? 'ENTERPRISE'
            : 'PROFESSIONAL';
      const cap =
        tier === 'ENTERPRISE' ? 1_000_000 : tier === 'PRO' || tier === 'MAX' ? 200_000 : 128_000;
      return {
        jobId: job.id,
        userId: user.id,
        tier,
        operatingMode: mode,
        phases: phases as EntitlementSnapshot['phases'],
        contextCap: cap,
        ...extra,
      };
    },
    ledger: (jobId) =>
      db
        .selectFrom('usage_ledger')
        .select([
          'idempotency_key',
          'event_type',
          'quantity',
          'billable',
          'failure_class',
          'user_id',
        ])
        .where('job_id', '=', jobId)
        .orderBy('recorded_at')
        .execute(),
    async audit(jobId, eventType) {
      let q = db
        .selectFrom('audit_events')
        .select(['event_type', 'job_id', 'actor_id', 'old_state', 'new_state', 'metadata'])
        .where('job_id', '=', jobId);
      if (eventType) q = q.where('event_type', '=', eventType);
      return (await q.orderBy('created_at').execute()) as AuditRow[];
    },
    async records(jobId) {
      const rows = await db
        .selectFrom('audit_events')
        .select('metadata')
        .where('job_id', '=', jobId)
        .where('event_type', '=', ROUTE_RECORD_EVENT)
        .orderBy('created_at')
        .execute();
      return rows.map((r) => r.metadata as Record<string, unknown>);
    },
    async setRoute(modelClass, patch) {
      const key = modelRouteKey(modelClass);
      const row = await db
        .selectFrom('dynamic_configs')
        .select('config_value')
        .where('config_key', '=', key)
        .executeTakeFirstOrThrow();
      await db
        .updateTable('dynamic_configs')
        .set({
          config_value: { ...(row.config_value as JsonObject), ...patch } as JsonObject,
          effective_at: new Date(),
        })
        .where('config_key', '=', key)
        .execute();
    },
    resetRoutes,
    stop: async () => {
      await scratch.stop();
      await models.stop();
    },
  };
}

/** The fixture's requests whose body contains `marker`. */
export async function upstream(models: ModelProxy, marker: string): Promise<RecordedRequest[]> {
  const all = (await (
    await fetch(`${models.fixtureUrl}/fixture/requests`)
  ).json()) as RecordedRequest[];
  return all.filter((r) => JSON.stringify(r.body).includes(marker));
}

export const marker = () => `marker-${randomUUID()}`;
