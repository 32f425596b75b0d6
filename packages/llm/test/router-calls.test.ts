/**
 * @module Calls, metering and operations through the real path: provider 5xx/429 with bounded
 * retries and provider status (ADR-002), abort closing the upstream stream (SERVICE_ARCHITECTURE
 * §3.4), heartbeat (AGENT.md resolution 16), cache accounting (V1-FR-CTX-006, PRD V1 §9.10,
 * §17 group 13), idempotent metering (AGENT.md resolution 7), route reload (V1-FR-ROUTE-004),
 * secrets and record privacy (DB_SCHEMA invariant 19, ARCHITECTURE §5).
 */
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { CREDIT_CONSTANTS } from '@iama/contracts';
import {
  FIXTURE_PRICES,
  isRouterError,
  ledgerQuantity,
  type ProgressEvent,
  type RouterOptions,
} from '../src/index';
import { dynamicConfigRoutes, readProviderStatus } from '../src/postgres/index';
import { marker, routerTestContext, upstream, type RouterTestContext } from './harness';

let ctx: RouterTestContext;
before(async () => {
  ctx = await routerTestContext();
});
beforeEach(() => ctx.resetRoutes());
after(() => ctx.stop());
const rig = (overrides: Partial<RouterOptions> = {}) => ({ router: ctx.rig(overrides) });
const snapshot = (...args: Parameters<RouterTestContext['snapshot']>) => ctx.snapshot(...args);

void test('ADR-002: a provider 500 is retried with backoff and the call succeeds; the alias shows DEGRADED', async () => {
  const r = rig();
  const m = marker();
  const events: ProgressEvent[] = [];
  const res = await r.router.call({
    snapshot: await snapshot('PRO'),
    stage: 'test_generation',
    attemptNumber: 1,
    sessionId: m,
    family: 'test_plan',
    onProgress: (e) => events.push(e),
    prompt: { task: `${m}\nfixture-scenario: fail_then_succeed times=2 status=500 key=${m}` },
  });
  assert.equal(res.record.providerCalls, 3);
  assert.equal((await upstream(ctx.models, m)).length, 3);
  assert.equal(events.filter((e) => e.type === 'retrying').length, 2);
  assert.match(
    events.find((e) => e.type === 'retrying')!.summary!,
    /^server 500; retry 1 in \d+ ms$/,
  );
  assert.equal(r.router.providerStatus().find((p) => p.alias === 'l1')?.status, 'DEGRADED');
});

void test('ADR-002 failure path: a persistent 5xx fails after exactly maxAttempts calls as LLM_PROVIDER_UNAVAILABLE (INFRA_FAILURE, not billed); the alias goes DOWN', async () => {
  const r = rig();
  const m = marker();
  const snap = await snapshot('PRO');
  await assert.rejects(
    r.router.call({
      snapshot: snap,
      stage: 'test_generation',
      attemptNumber: 1,
      sessionId: m,
      family: 'test_plan',
      prompt: { task: `${m}\nfixture-scenario: http_500` },
    }),
    (err) =>
      isRouterError(err, 'LLM_PROVIDER_UNAVAILABLE') &&
      err.failureClass === 'INFRA_FAILURE' &&
      err.retryable &&
      err.detail.attempts === 3,
  );
  assert.equal((await upstream(ctx.models, m)).length, 3);
  assert.equal(
    (await ctx.ledger(snap.jobId)).length,
    0,
    'infra failures consume no quota and keep the idempotency key free (V1-FR-BIL-002)',
  );
  const [record] = await ctx.records(snap.jobId);
  assert.deepEqual(
    [record?.outcome, record?.error_code, record?.provider_calls, record?.ledger_key],
    ['FAILED', 'LLM_PROVIDER_UNAVAILABLE', 3, `${snap.jobId}:L1:1`],
  );
  assert.equal(r.router.providerStatus().find((p) => p.alias === 'l1')?.status, 'DOWN');
  // The admin health view reads the same status from PostgreSQL (another process in production).
  assert.equal((await readProviderStatus(ctx.db)).find((p) => p.provider === 'l1')?.status, 'DOWN');
});

void test('ADR-002 failure path: a 429 is retried (LiteLLM drops Retry-After, so the router backs off itself)', async () => {
  const r = rig();
  const m = marker();
  const res = await r.router.call({
    snapshot: await snapshot('FREE'),
    stage: 'planning',
    attemptNumber: 1,
    sessionId: m,
    family: 'proposal',
    prompt: { task: `${m}\nfixture-scenario: fail_then_succeed times=1 status=429 key=${m}` },
  });
  assert.equal(res.record.providerCalls, 2);
});

void test('SERVICE_ARCHITECTURE §3.4 failure path: aborting mid-stream closes the upstream connection before the answer completes (latency: the bench); LLM_CALL_ABORTED carries the abort class; partial tokens are metered', async () => {
  const r = rig();
  const m = marker();
  const ac = new AbortController();
  const snap = await snapshot('PRO');
  let abortedAt = 0;
  const call = r.router.call({
    snapshot: snap,
    stage: 'refactor_generation',
    attemptNumber: 1,
    sessionId: m,
    family: 'patch_edit',
    signal: ac.signal,
    onProgress: (e) => {
      if (e.type === 'streaming' && !abortedAt) {
        abortedAt = Date.now();
        ac.abort({ failureClass: 'CLIENT_DISCONNECTED' });
      }
    },
    prompt: { task: `${m}\nfixture-scenario: slow_stream chunks=40 delay_ms=150` },
  });
  await assert.rejects(
    call,
    (err) => isRouterError(err, 'LLM_CALL_ABORTED') && err.failureClass === 'CLIENT_DISCONNECTED',
  );
  assert.ok(abortedAt > 0);
  // The fixture records the hang-up asynchronously; wait for it (the bench measures how fast it is).
  let closedAt: number | undefined;
  for (let i = 0; i < 100 && closedAt === undefined; i++) {
    closedAt = (await upstream(ctx.models, m))[0]?.closedEarlyAt;
    if (closedAt === undefined) await new Promise((res) => setTimeout(res, 50));
  }
  assert.ok(
    closedAt,
    'the fixture model saw its client (LiteLLM) hang up before the answer was complete',
  );
  const rows = await ctx.ledger(snap.jobId);
  assert.deepEqual(
    rows.map((row) => [row.event_type, row.failure_class, row.billable]),
    [['phase_1_call', 'CLIENT_DISCONNECTED', true]],
  );
  const record = (await ctx.records(snap.jobId)).at(-1)!;
  const completion = (record.tokens as { completion_tokens: number }).completion_tokens;
  assert.ok(completion > 0 && completion < 400, 'only the streamed part is metered');
  assert.equal(rows[0]!.quantity, ledgerQuantity(record.credits as number));
  assert.equal(record.outcome, 'ABORTED');
});

void test('AGENT.md resolution 16: progress heartbeats arrive on the configured interval while a slow stream runs', async () => {
  const r = rig({ heartbeatIntervalMs: 100 });
  const m = marker();
  const events: ProgressEvent[] = [];
  await r.router.call({
    snapshot: await snapshot('PRO'),
    stage: 'test_generation',
    attemptNumber: 1,
    sessionId: m,
    family: 'test_plan',
    onProgress: (e) => events.push(e),
    prompt: { task: `${m}\nfixture-scenario: slow_stream chunks=5 delay_ms=200` },
  });
  const beats = events.filter((e) => e.type === 'heartbeat');
  assert.ok(beats.length >= 5, `${beats.length} heartbeats in ~1 s`);
  assert.ok(
    beats.every((b) => b.stage === 'test_generation' && b.modelClass === 'L1'),
    'V1-FR-OBS-003: stage and route in every event',
  );
  assert.equal(events[0]?.type, 'dispatched');
  assert.equal(events.at(-1)?.type, 'completed');
});

const stableSpec = `Feature: order totals\n${'  Scenario: totals add up item prices including tax and discounts\n'.repeat(90)}`;

void test('V1-FR-CTX-006 + PRD V1 §9.10: a retry hits the cached stable segments, which are billed at the cache-read rate (~10% of cold input)', async () => {
  const r = rig();
  const m = marker();
  const snap = await snapshot('PRO');
  const prompt = (n: number) => ({
    approvedSpec: `${m}\n${stableSpec}`,
    testSpec: 'tests: order.test.js',
    task: 'make the tests pass',
    errorOutput: `attempt ${n}: expected 10, got 9`,
  });
  const first = await r.router.call({
    snapshot: snap,
    stage: 'repair',
    iteration: 1,
    attemptNumber: 1,
    sessionId: m,
    family: 'patch_edit',
    prompt: prompt(1),
  });
  const second = await r.router.call({
    snapshot: snap,
    stage: 'repair',
    iteration: 2,
    attemptNumber: 2,
    sessionId: m,
    family: 'patch_edit',
    prompt: prompt(2),
  });
  assert.equal(first.record.cacheStatus, 'MISS', 'cache write on the first call');
  assert.equal(second.record.cacheStatus, 'HIT');
  const t = second.record.tokens;
  assert.ok(
    t.cachedTokens >= 1024,
    `${t.cachedTokens} cached tokens (the 1,024-token minimum was met)`,
  );
  const [seen] = await upstream(ctx.models, m);
  const parts = (
    seen!.body as { messages: { content: { cache_control?: unknown }[] }[] }
  ).messages.map((msg) => msg.content[0]?.cache_control);
  assert.deepEqual(parts.at(-1), undefined, 'the fresh segment is never marked');
  assert.ok(
    parts.some((p) => p !== undefined),
    'a stable segment is marked for caching',
  );

  const p = FIXTURE_PRICES.l1!;
  const expected =
    ((t.promptTokens - t.cachedTokens) * p.input +
      t.cachedTokens * p.input * CREDIT_CONSTANTS.CACHE_READ_RATE +
      t.completionTokens * p.output) /
    CREDIT_CONSTANTS.USD_PER_CREDIT;
  // usage_ledger holds milli-credits; the route record in audit_events keeps the unrounded credits and the tokens.
  const rows = await ctx.ledger(snap.jobId);
  assert.deepEqual(
    rows.map((row) => row.idempotency_key),
    [`${snap.jobId}:L1:1`, `${snap.jobId}:L1:2`],
  );
  assert.equal(
    rows[1]!.quantity,
    ledgerQuantity(expected),
    'the retry is billed at the cache-read rate for cached tokens',
  );
  assert.ok(rows[1]!.quantity < rows[0]!.quantity);
  const records = await ctx.records(snap.jobId);
  assert.deepEqual(
    records.map((rec) => rec.cache_status),
    ['MISS', 'HIT'],
    'hit/miss recorded per call (ADR-002)',
  );
  assert.deepEqual(records[1]!.tokens, {
    prompt_tokens: t.promptTokens,
    cached_tokens: t.cachedTokens,
    completion_tokens: t.completionTokens,
  });
  const billed = records[1]!.credits as number;
  assert.ok(Math.abs(billed - expected) < 1e-9);
  // The stable segments cost ~10% on the retry of what they cost cold.
  const coldStable = t.cachedTokens * p.input;
  const warmStable =
    billed * CREDIT_CONSTANTS.USD_PER_CREDIT -
    (t.promptTokens - t.cachedTokens) * p.input -
    t.completionTokens * p.output;
  assert.ok(
    Math.abs(warmStable / coldStable - 0.1) < 1e-6,
    `stable segments billed at ${((warmStable / coldStable) * 100).toFixed(1)}% of cold input`,
  );
  assert.ok(second.record.credits < first.record.credits);
});

void test('AGENT.md resolution 7: the same call retried (same job, class, attempt) is metered once', async () => {
  const r = rig();
  const m = marker();
  const req = {
    snapshot: await snapshot('PLUS'),
    stage: 'test_generation' as const,
    attemptNumber: 3,
    sessionId: m,
    family: 'test_plan' as const,
    prompt: { task: m },
  };
  await r.router.call(req);
  // A second worker (another router instance, as after an activity retry on another process).
  await rig().router.call(req);
  assert.equal((await upstream(ctx.models, m)).length, 2, 'both executions reached the provider');
  const rows = await ctx.ledger(req.snapshot.jobId);
  assert.deepEqual(
    rows.map((row) => [row.idempotency_key, row.event_type, row.user_id]),
    [[`${req.snapshot.jobId}:L1:3`, 'phase_1_call', req.snapshot.userId]],
    'ON CONFLICT DO NOTHING kept one row',
  );
  assert.equal(
    (await ctx.records(req.snapshot.jobId)).length,
    2,
    'both executions are in the route record',
  );
});

void test('V1-FR-ROUTE-004 + DB_SCHEMA §8.1: route changes apply without a restart; a disabled route fails as MODEL_ROUTE_UNAVAILABLE', async () => {
  const source = dynamicConfigRoutes(ctx.db);
  let loads = 0;
  const r = rig({ routeTableTtlMs: 60_000, routes: { load: () => ((loads += 1), source.load()) } });
  const m = marker();
  const req = {
    snapshot: await snapshot('FREE'),
    stage: 'test_generation' as const,
    attemptNumber: 1,
    sessionId: m,
    family: 'test_plan' as const,
    prompt: { task: m },
  };
  await r.router.call(req);
  await ctx.setRoute('L1', { enabled: false });
  await r.router.call({ ...req, attemptNumber: 2 });
  assert.equal(loads, 1, 'cached within the TTL');
  r.router.invalidateRoutes();
  await assert.rejects(
    r.router.call({ ...req, attemptNumber: 3 }),
    (err) => isRouterError(err, 'MODEL_ROUTE_UNAVAILABLE') && err.failureClass === 'INFRA_FAILURE',
  );
  await ctx.setRoute('L1', { enabled: true, output_token_limit: 1234 });
  r.router.invalidateRoutes();
  await r.router.call({ ...req, attemptNumber: 4 });
  const last = (await upstream(ctx.models, m)).at(-1)!;
  assert.equal((last.body as { max_tokens: number }).max_tokens, 1234);
  // Failure path: an operator's invalid row does not take routing down; the last good table stays.
  await ctx.db
    .updateTable('dynamic_configs')
    .set({ config_value: { model_id: 'x' } })
    .where('config_key', '=', 'model.l1')
    .execute();
  await assert.rejects(
    dynamicConfigRoutes(ctx.db).load(),
    /dynamic_configs model\.l1 is not a valid route: api_base_url, api_key_ref, output_token_limit, enabled/,
  );
  r.router.invalidateRoutes();
  await r.router.call({ ...req, attemptNumber: 5 });
  assert.equal(
    ((await upstream(ctx.models, m)).at(-1)!.body as { max_tokens: number }).max_tokens,
    1234,
  );
  assert.equal(loads, 4);
});

void test('DB_SCHEMA invariant 19 + ARCHITECTURE §5: the proxy key comes from the secrets provider and never appears in records, audit events or errors; records carry no prompt text', async () => {
  const secret = 'sk-iama-test-secret-value-123';
  process.env.IAMA_TEST_PROXY_KEY = secret;
  const r = rig({ proxyKeyRef: 'env:IAMA_TEST_PROXY_KEY' });
  const m = marker();
  const ok = await snapshot('PRO');
  const bad = await snapshot('PRO');
  await r.router.call({
    snapshot: ok,
    stage: 'test_generation',
    attemptNumber: 1,
    sessionId: m,
    family: 'test_plan',
    prompt: { task: `${m} SECRET-PROMPT-TEXT` },
  });
  const err = await r.router
    .call({
      snapshot: bad,
      stage: 'test_generation',
      attemptNumber: 1,
      sessionId: m,
      family: 'test_plan',
      prompt: { task: `${m} SECRET-PROMPT-TEXT\nfixture-scenario: malformed_json` },
    })
    .catch((e: unknown) => e);
  assert.ok(isRouterError(err));
  const stored = await Promise.all(
    [ok, bad].flatMap((s) => [ctx.audit(s.jobId), ctx.ledger(s.jobId)]),
  );
  assert.ok(
    stored[0]!.length > 0 && stored[2]!.length > 0,
    'the records and audit events were written',
  );
  const everything = JSON.stringify([stored, err, (err as Error).message]);
  assert.ok(!everything.includes(secret));
  assert.ok(!everything.includes('SECRET-PROMPT-TEXT'));
  delete process.env.IAMA_TEST_PROXY_KEY;

  const missing = rig({ proxyKeyRef: 'secrets/litellm/absent_master_key' });
  await assert.rejects(
    missing.router.call({
      snapshot: await snapshot('PRO'),
      stage: 'test_generation',
      attemptNumber: 1,
      sessionId: m,
      family: 'test_plan',
      prompt: { task: m },
    }),
    /secret "secrets\/litellm\/absent_master_key" is not available/,
  );
});
