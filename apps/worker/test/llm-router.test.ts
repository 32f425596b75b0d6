/**
 * @module The worker's IAMA Router (issue #4): built from the environment, wired to a scratch
 * PostgreSQL database, calling the fixture model behind the real LiteLLM Proxy. Proves the
 * factory's configuration errors, bootstrap route seeding that never overwrites an operator,
 * route reload from `dynamic_configs` without a restart (V1-FR-ROUTE-004), file secrets
 * (DB_SCHEMA invariant 19), confirmation tokens issued with the router's key (V1-FR-SUB-006),
 * metering into `usage_ledger` (PRD V1 §9.10, invariant 7) and provider status readable by
 * the admin health view (V1-FR-OPS-004, API_CONTRACT §6).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';
import { fixtureRoutes } from '@iama/devstack/litellm';
import { useModelProxy, type ModelProxy } from '@iama/devstack/model-proxy';
import type { RecordedRequest } from '@iama/fixture-model';
import { isRouterError, type EntitlementSnapshot } from '@iama/llm';
import { useScratchDatabase } from '../../../packages/llm/test/harness';
import {
  createWorkerRouter,
  loadRouterConfig,
  readProviderStatus,
  RouterConfigError,
} from '../src/llm/index';

let models: ModelProxy;
let scratch: Awaited<ReturnType<typeof useScratchDatabase>>;
let db: Kysely<Database>;
const secretsDir = mkdtempSync(join(tmpdir(), 'iama-worker-secrets-'));

before(async () => {
  models = await useModelProxy();
  scratch = await useScratchDatabase();
  db = scratch.db;
});
after(async () => {
  await scratch.stop();
  await models.stop();
  rmSync(secretsDir, { recursive: true, force: true });
});

const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  LITELLM_BASE_URL: models.proxyUrl,
  IAMA_ROUTE_TABLE_TTL_MS: '0',
  ...extra,
});
const fast = { retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 } };

async function job(tier: EntitlementSnapshot['tier']): Promise<EntitlementSnapshot> {
  const user = await db
    .insertInto('users')
    .values({ email: `${randomUUID()}@example.test` })
    .returning('id')
    .executeTakeFirstOrThrow();
  const row = await db
    .insertInto('refactor_jobs')
    .values({ owner_id: user.id, execution_mode: 'LOCAL_NATIVE', target_paths: ['src/a.ts'] })
    .returning('id')
    .executeTakeFirstOrThrow();
  const phases =
    tier === 'MAX' || tier === 'ENTERPRISE' ? [1, 2, 3] : tier === 'FREE' ? [1] : [1, 2];
  return {
    jobId: row.id,
    userId: user.id,
    tier,
    operatingMode: tier === 'FREE' || tier === 'PLUS' ? 'SIMPLE' : 'PROFESSIONAL',
    phases: phases as EntitlementSnapshot['phases'],
    contextCap: 128_000,
  };
}

async function seen(marker: string): Promise<RecordedRequest[]> {
  const all = (await (
    await fetch(`${models.fixtureUrl}/fixture/requests`)
  ).json()) as RecordedRequest[];
  return all.filter((r) => JSON.stringify(r.body).includes(marker));
}

void test('issue #4 failure path: the router configuration names the missing or malformed variable', () => {
  assert.throws(
    () => loadRouterConfig({}),
    (err) => err instanceof RouterConfigError && /LITELLM_BASE_URL is not set/.test(err.message),
  );
  assert.throws(
    () => loadRouterConfig({ LITELLM_BASE_URL: 'not a url' }),
    /LITELLM_BASE_URL is not a URL/,
  );
  assert.throws(() => loadRouterConfig({ LITELLM_BASE_URL: 'ftp://x' }), /http\(s\)/);
  assert.throws(
    () => loadRouterConfig({ LITELLM_BASE_URL: 'http://x', IAMA_ROUTE_TABLE_TTL_MS: '-1' }),
    /IAMA_ROUTE_TABLE_TTL_MS/,
  );
  const config = loadRouterConfig({
    LITELLM_BASE_URL: 'http://proxy:4000/',
    IAMA_SECRETS_DIR: '/run/secrets',
    IAMA_LITELLM_KEY_REF: 'secrets/litellm/master_key',
  });
  assert.deepEqual(config, {
    proxyUrl: 'http://proxy:4000',
    proxyKeyRef: 'secrets/litellm/master_key',
    secretsDir: '/run/secrets',
    confirmationKeyRef: 'env:IAMA_CONFIRMATION_KEY',
    routeTableTtlMs: 10_000,
    production: false,
  });
});

void test('V1-FR-SUB-006 failure path: in production a missing confirmation key refuses to build the router; never the key itself in the error', async () => {
  await assert.rejects(
    createWorkerRouter({ db, config: loadRouterConfig(env({ NODE_ENV: 'production' })), env: {} }),
    (err) => err instanceof RouterConfigError && /env:IAMA_CONFIRMATION_KEY/.test(err.message),
  );
});

void test('ADR-002 action item 7 + V1-FR-ROUTE-004: routes are seeded only where no row exists, then reloaded from dynamic_configs without a restart', async () => {
  const routes = fixtureRoutes(models.fixtureUrl);
  // An operator already configured L2; the bootstrap seed must not overwrite it.
  await db
    .insertInto('dynamic_configs')
    .values({
      config_key: 'model.l2',
      config_value: { ...routes.L2, output_token_limit: 4321 },
      reason: 'operator',
    })
    .execute();
  const { router } = await createWorkerRouter({
    db,
    config: loadRouterConfig(env()),
    env: { IAMA_CONFIRMATION_KEY: 'k' },
    seedRoutes: routes,
    tuning: fast,
  });
  const rows = await db
    .selectFrom('dynamic_configs')
    .select(['config_key', 'config_value', 'reason'])
    .orderBy('config_key')
    .execute();
  assert.deepEqual(
    rows.map((r) => [
      r.config_key,
      (r.config_value as { output_token_limit: number }).output_token_limit,
      r.reason,
    ]),
    [
      ['model.l1', 30_000, 'bootstrap seed'],
      ['model.l2', 4321, 'operator'],
      ['model.l3', 5_000, 'bootstrap seed'],
    ],
  );
  const m = `marker-${randomUUID()}`;
  const snapshot = await job('FREE');
  await router.call({
    snapshot,
    stage: 'test_generation',
    attemptNumber: 1,
    sessionId: m,
    family: 'test_plan',
    prompt: { task: m },
  });
  await db
    .updateTable('dynamic_configs')
    .set({ config_value: { ...routes.L1, output_token_limit: 777 } })
    .where('config_key', '=', 'model.l1')
    .execute();
  await router.call({
    snapshot,
    stage: 'test_generation',
    attemptNumber: 2,
    sessionId: m,
    family: 'test_plan',
    prompt: { task: m },
  });
  assert.deepEqual(
    (await seen(m)).map((r) => (r.body as { max_tokens: number }).max_tokens),
    [30_000, 777],
    'the operator change applied on the next call',
  );
  const ledger = await db
    .selectFrom('usage_ledger')
    .select(['idempotency_key', 'event_type'])
    .where('job_id', '=', snapshot.jobId)
    .orderBy('idempotency_key')
    .execute();
  assert.deepEqual(ledger, [
    { idempotency_key: `${snapshot.jobId}:L1:1`, event_type: 'phase_1_call' },
    { idempotency_key: `${snapshot.jobId}:L1:2`, event_type: 'phase_1_call' },
  ]);
});

void test('DB_SCHEMA invariant 19: the proxy key is read from the mounted secrets directory; a missing file fails with the reference only', async () => {
  mkdirSync(join(secretsDir, 'secrets/litellm'), { recursive: true });
  writeFileSync(join(secretsDir, 'secrets/litellm/master_key'), 'sk-file-secret-value\n');
  const config = loadRouterConfig(
    env({ IAMA_SECRETS_DIR: secretsDir, IAMA_LITELLM_KEY_REF: 'secrets/litellm/master_key' }),
  );
  const { router } = await createWorkerRouter({
    db,
    config,
    env: { IAMA_CONFIRMATION_KEY: 'k' },
    tuning: fast,
  });
  const m = `marker-${randomUUID()}`;
  const res = await router.call({
    snapshot: await job('PRO'),
    stage: 'test_generation',
    attemptNumber: 1,
    sessionId: m,
    family: 'test_plan',
    prompt: { task: m },
  });
  assert.equal(res.record.outcome, 'OK');

  const missing = await createWorkerRouter({
    db,
    config: { ...config, proxyKeyRef: 'secrets/litellm/absent' },
    env: { IAMA_CONFIRMATION_KEY: 'k' },
  });
  const err = await missing.router
    .call({
      snapshot: await job('PRO'),
      stage: 'test_generation',
      attemptNumber: 1,
      sessionId: m,
      family: 'test_plan',
      prompt: { task: m },
    })
    .catch((e: unknown) => e);
  assert.equal((err as Error).message, 'secret "secrets/litellm/absent" is not available');
});

void test('V1-FR-SUB-006 + V1-FR-ROUTE-002: an L3 call dispatches with a token from issueConfirmation and is metered as phase_3_call; a token from another key is refused', async () => {
  const { router, issueConfirmation } = await createWorkerRouter({
    db,
    config: loadRouterConfig(env()),
    env: { IAMA_CONFIRMATION_KEY: 'shared-key' },
    tuning: fast,
  });
  const other = await createWorkerRouter({
    db,
    config: loadRouterConfig(env()),
    env: { IAMA_CONFIRMATION_KEY: 'another-key' },
  });
  const snapshot = await job('MAX');
  const m = `marker-${randomUUID()}`;
  const claims = {
    jobId: snapshot.jobId,
    attemptNumber: 9,
    modelClass: 'L3' as const,
    basis: 'USER_CONFIRMED' as const,
    expiresAt: Date.now() + 60_000,
  };
  const req = {
    snapshot,
    stage: 'deep_fix' as const,
    attemptNumber: 9,
    sessionId: m,
    family: 'patch_edit' as const,
    prompt: { task: m },
  };
  await assert.rejects(
    router.call({ ...req, confirmationToken: other.issueConfirmation(claims) }),
    (err) =>
      isRouterError(err, 'ENTITLEMENT_DENIED_PHASE') &&
      err.detail.denial_reason === 'L3_CONFIRMATION_REQUIRED',
  );
  const res = await router.call({ ...req, confirmationToken: issueConfirmation(claims) });
  assert.equal(res.record.modelClass, 'L3');
  const ledger = await db
    .selectFrom('usage_ledger')
    .select(['idempotency_key', 'event_type', 'quantity'])
    .where('job_id', '=', snapshot.jobId)
    .execute();
  assert.deepEqual(
    ledger.map((r) => [r.idempotency_key, r.event_type]),
    [[`${snapshot.jobId}:L3:9`, 'phase_3_call']],
  );
  assert.ok(ledger[0]!.quantity > 0, 'milli-credits of the L3 call');
});

void test('V1-FR-OPS-004 + API_CONTRACT §6: provider status moves OK → DEGRADED → DOWN in the worker and the admin view reads it from PostgreSQL; DEGRADED lapses to OK', async () => {
  const { router } = await createWorkerRouter({
    db,
    config: loadRouterConfig(env()),
    env: { IAMA_CONFIRMATION_KEY: 'k' },
    tuning: fast,
  });
  const before = await readProviderStatus(db);
  assert.deepEqual(
    before.map((p) => [p.provider, p.status]),
    [
      ['l1', 'OK'],
      ['l2', 'OK'],
      ['l3', 'OK'],
    ],
    'every configured route is listed; never troubled = OK',
  );
  const m = `marker-${randomUUID()}`;
  await router.call({
    snapshot: await job('PRO'),
    stage: 'test_generation',
    attemptNumber: 1,
    sessionId: m,
    family: 'test_plan',
    prompt: { task: `${m}\nfixture-scenario: fail_then_succeed times=1 status=500 key=${m}` },
  });
  const degraded = (await readProviderStatus(db)).find((p) => p.provider === 'l1')!;
  assert.equal(degraded.status, 'DEGRADED');
  assert.equal(degraded.modelId, 'iama-fixture/l1');
  assert.equal(
    (await readProviderStatus(db, Date.now() + 5 * 60_000 + 1000)).find((p) => p.provider === 'l1')
      ?.status,
    'OK',
    'DEGRADED ends 5 min after the last failure, without a write',
  );

  await assert.rejects(
    router.call({
      snapshot: await job('PRO'),
      stage: 'test_generation',
      attemptNumber: 1,
      sessionId: m,
      family: 'test_plan',
      prompt: { task: `${m}\nfixture-scenario: http_500` },
    }),
    (err) => isRouterError(err, 'LLM_PROVIDER_UNAVAILABLE'),
  );
  assert.equal(router.providerStatus().find((p) => p.alias === 'l1')?.status, 'DOWN');
  assert.equal(
    (await readProviderStatus(db, Date.now() + 60 * 60_000)).find((p) => p.provider === 'l1')
      ?.status,
    'DOWN',
    'DOWN lasts until a call succeeds',
  );
  const changes = await db
    .selectFrom('audit_events')
    .select(['old_state', 'new_state', 'surface'])
    .where('event_type', '=', 'model_provider_status')
    .orderBy('created_at')
    .execute();
  assert.ok(
    changes.some(
      (c) => c.old_state === 'DEGRADED' && c.new_state === 'DOWN' && c.surface === 'SYSTEM',
    ),
  );
});
