/**
 * @module Calls, metering and operations through the real path: provider 5xx/429 with bounded
 * retries and provider status (ADR-002), abort closing the upstream stream (SERVICE_ARCHITECTURE
 * §3.4), heartbeat (AGENT.md resolution 16), cache accounting (V1-FR-CTX-006, PRD V1 §9.10,
 * §17 group 13), idempotent metering (AGENT.md resolution 7), route reload (V1-FR-ROUTE-004),
 * secrets and record privacy (DB_SCHEMA invariant 19, ARCHITECTURE §5).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { useModelProxy, type ModelProxy } from '@iama/devstack/model-proxy';
import { CREDIT_CONSTANTS } from '@iama/contracts';
import { FIXTURE_PRICES, isRouterError, type ProgressEvent } from '../src/index';
import { marker, rig, snapshot, upstream } from './harness';

let models: ModelProxy;
before(async () => {
  models = await useModelProxy();
});
after(() => models.stop());

void test('ADR-002: a provider 500 is retried with backoff and the call succeeds; the alias shows DEGRADED', async () => {
  const r = rig(models);
  const m = marker();
  const events: ProgressEvent[] = [];
  const res = await r.router.call({ snapshot: snapshot('PRO'), stage: 'test_generation', attemptNumber: 1, sessionId: m, family: 'test_plan', onProgress: (e) => events.push(e), prompt: { task: `${m}\nfixture-scenario: fail_then_succeed times=2 status=500 key=${m}` } });
  assert.equal(res.record.providerCalls, 3);
  assert.equal((await upstream(models, m)).length, 3);
  assert.equal(events.filter((e) => e.type === 'retrying').length, 2);
  assert.match(events.find((e) => e.type === 'retrying')!.summary!, /^server 500; retry 1 in \d+ ms$/);
  assert.equal(r.router.providerStatus().find((p) => p.alias === 'l1')?.status, 'DEGRADED');
});

void test('ADR-002 failure path: a persistent 5xx fails after exactly maxAttempts calls as LLM_PROVIDER_UNAVAILABLE (INFRA_FAILURE, not billed); the alias goes DOWN', async () => {
  const r = rig(models);
  const m = marker();
  await assert.rejects(
    r.router.call({ snapshot: snapshot('PRO'), stage: 'test_generation', attemptNumber: 1, sessionId: m, family: 'test_plan', prompt: { task: `${m}\nfixture-scenario: http_500` } }),
    (err) => isRouterError(err, 'LLM_PROVIDER_UNAVAILABLE') && err.failureClass === 'INFRA_FAILURE' && err.retryable && err.detail.attempts === 3,
  );
  assert.equal((await upstream(models, m)).length, 3);
  assert.equal(r.ledger.rows.size, 0, 'infra failures consume no quota and keep the idempotency key free (V1-FR-BIL-002)');
  assert.equal(r.log.records.at(-1)?.outcome, 'FAILED');
  assert.equal(r.router.providerStatus().find((p) => p.alias === 'l1')?.status, 'DOWN');
});

void test('ADR-002 failure path: a 429 is retried (LiteLLM drops Retry-After, so the router backs off itself)', async () => {
  const r = rig(models);
  const m = marker();
  const res = await r.router.call({ snapshot: snapshot('FREE'), stage: 'planning', attemptNumber: 1, sessionId: m, family: 'proposal', prompt: { task: `${m}\nfixture-scenario: fail_then_succeed times=1 status=429 key=${m}` } });
  assert.equal(res.record.providerCalls, 2);
});

void test('SERVICE_ARCHITECTURE §3.4 failure path: aborting mid-stream closes the upstream connection within 1 s; LLM_CALL_ABORTED carries the abort class; partial tokens are metered', async () => {
  const r = rig(models);
  const m = marker();
  const ac = new AbortController();
  const snap = snapshot('PRO');
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
  await assert.rejects(call, (err) => isRouterError(err, 'LLM_CALL_ABORTED') && err.failureClass === 'CLIENT_DISCONNECTED');
  const rejectedAt = Date.now();
  assert.ok(rejectedAt - abortedAt < 1000, `the call settled ${rejectedAt - abortedAt} ms after the abort`);
  let closedAt: number | undefined;
  for (let i = 0; i < 20 && closedAt === undefined; i++) {
    closedAt = (await upstream(models, m))[0]?.closedEarlyAt;
    if (closedAt === undefined) await new Promise((res) => setTimeout(res, 50));
  }
  assert.ok(closedAt, 'the fixture model saw its client (LiteLLM) hang up before the answer was complete');
  assert.ok(closedAt - abortedAt < 1000, `upstream closed ${closedAt - abortedAt} ms after the abort`);
  const [row] = [...r.ledger.rows.values()];
  assert.equal(row?.failureClass, 'CLIENT_DISCONNECTED');
  assert.ok(row.completionTokens > 0 && row.completionTokens < 400, 'only the streamed part is metered');
  assert.equal(r.log.records.at(-1)?.outcome, 'ABORTED');
});

void test('AGENT.md resolution 16: progress heartbeats arrive on the configured interval while a slow stream runs', async () => {
  const r = rig(models, { heartbeatIntervalMs: 100 });
  const m = marker();
  const events: ProgressEvent[] = [];
  await r.router.call({ snapshot: snapshot('PRO'), stage: 'test_generation', attemptNumber: 1, sessionId: m, family: 'test_plan', onProgress: (e) => events.push(e), prompt: { task: `${m}\nfixture-scenario: slow_stream chunks=5 delay_ms=200` } });
  const beats = events.filter((e) => e.type === 'heartbeat');
  assert.ok(beats.length >= 5, `${beats.length} heartbeats in ~1 s`);
  assert.ok(beats.every((b) => b.stage === 'test_generation' && b.modelClass === 'L1'), 'V1-FR-OBS-003: stage and route in every event');
  assert.equal(events[0]?.type, 'dispatched');
  assert.equal(events.at(-1)?.type, 'completed');
});

const stableSpec = `Feature: order totals\n${'  Scenario: totals add up item prices including tax and discounts\n'.repeat(90)}`;

void test('V1-FR-CTX-006 + PRD V1 §9.10: a retry hits the cached stable segments, which are billed at the cache-read rate (~10% of cold input)', async () => {
  const r = rig(models);
  const m = marker();
  const snap = snapshot('PRO');
  const prompt = (n: number) => ({ approvedSpec: `${m}\n${stableSpec}`, testSpec: 'tests: order.test.js', task: 'make the tests pass', errorOutput: `attempt ${n}: expected 10, got 9` });
  const first = await r.router.call({ snapshot: snap, stage: 'repair', iteration: 1, attemptNumber: 1, sessionId: m, family: 'patch_edit', prompt: prompt(1) });
  const second = await r.router.call({ snapshot: snap, stage: 'repair', iteration: 2, attemptNumber: 2, sessionId: m, family: 'patch_edit', prompt: prompt(2) });
  assert.equal(first.record.cacheStatus, 'MISS', 'cache write on the first call');
  assert.equal(second.record.cacheStatus, 'HIT');
  const t = second.record.tokens;
  assert.ok(t.cachedTokens >= 1024, `${t.cachedTokens} cached tokens (the 1,024-token minimum was met)`);
  const [seen] = await upstream(models, m);
  const parts = (seen!.body as { messages: { content: { cache_control?: unknown }[] }[] }).messages.map((msg) => msg.content[0]?.cache_control);
  assert.deepEqual(parts.at(-1), undefined, 'the fresh segment is never marked');
  assert.ok(parts.some((p) => p !== undefined), 'a stable segment is marked for caching');

  const p = FIXTURE_PRICES.l1!;
  const rows = [...r.ledger.rows.values()];
  const expected = ((t.promptTokens - t.cachedTokens) * p.input + t.cachedTokens * p.input * CREDIT_CONSTANTS.CACHE_READ_RATE + t.completionTokens * p.output) / CREDIT_CONSTANTS.USD_PER_CREDIT;
  assert.ok(Math.abs(rows[1]!.credits - expected) < 1e-9, 'ledger credits use the cache-read rate for cached tokens');
  // The stable segments cost ~10% on the retry of what they cost cold.
  const coldStable = t.cachedTokens * p.input;
  const warmStable = (rows[1]!.credits * CREDIT_CONSTANTS.USD_PER_CREDIT) - (t.promptTokens - t.cachedTokens) * p.input - t.completionTokens * p.output;
  assert.ok(Math.abs(warmStable / coldStable - 0.1) < 1e-6, `stable segments billed at ${((warmStable / coldStable) * 100).toFixed(1)}% of cold input`);
  assert.ok(second.record.credits < first.record.credits);
});

void test('AGENT.md resolution 7: the same call retried (same job, class, attempt) is metered once', async () => {
  const r = rig(models);
  const m = marker();
  const req = { snapshot: snapshot('PLUS'), stage: 'test_generation' as const, attemptNumber: 3, sessionId: m, family: 'test_plan' as const, prompt: { task: m } };
  await r.router.call(req);
  await r.router.call(req);
  assert.equal((await upstream(models, m)).length, 2, 'both executions reached the provider');
  assert.equal(r.ledger.rows.size, 1);
  assert.ok(r.ledger.rows.has(`${req.snapshot.jobId}:L1:3`));
});

void test('V1-FR-ROUTE-004 + DB_SCHEMA §8.1: route changes apply without a restart; a disabled route fails as MODEL_ROUTE_UNAVAILABLE', async () => {
  const r = rig(models, { routeTableTtlMs: 60_000 });
  const m = marker();
  const req = { snapshot: snapshot('FREE'), stage: 'test_generation' as const, attemptNumber: 1, sessionId: m, family: 'test_plan' as const, prompt: { task: m } };
  await r.router.call(req);
  r.routes.routes.L1 = { ...r.routes.routes.L1!, enabled: false };
  await r.router.call({ ...req, attemptNumber: 2 });
  assert.equal(r.routes.loads, 1, 'cached within the TTL');
  r.router.invalidateRoutes();
  await assert.rejects(r.router.call({ ...req, attemptNumber: 3 }), (err) => isRouterError(err, 'MODEL_ROUTE_UNAVAILABLE') && err.failureClass === 'INFRA_FAILURE');
  r.routes.routes.L1 = { ...r.routes.routes.L1, enabled: true, output_token_limit: 1234 };
  r.router.invalidateRoutes();
  await r.router.call({ ...req, attemptNumber: 4 });
  const last = (await upstream(models, m)).at(-1)!;
  assert.equal((last.body as { max_tokens: number }).max_tokens, 1234);
});

void test('DB_SCHEMA invariant 19 + ARCHITECTURE §5: the proxy key comes from the secrets provider and never appears in records, audit events or errors; records carry no prompt text', async () => {
  const secret = 'sk-iama-test-secret-value-123';
  process.env.IAMA_TEST_PROXY_KEY = secret;
  const r = rig(models, { proxyKeyRef: 'env:IAMA_TEST_PROXY_KEY' });
  const m = marker();
  await r.router.call({ snapshot: snapshot('PRO'), stage: 'test_generation', attemptNumber: 1, sessionId: m, family: 'test_plan', prompt: { task: `${m} SECRET-PROMPT-TEXT` } });
  const err = await r.router.call({ snapshot: snapshot('PRO'), stage: 'test_generation', attemptNumber: 1, sessionId: m, family: 'test_plan', prompt: { task: `${m} SECRET-PROMPT-TEXT\nfixture-scenario: malformed_json` } }).catch((e: unknown) => e);
  assert.ok(isRouterError(err));
  const everything = JSON.stringify([r.log.records, r.audit.events, [...r.ledger.rows.values()], err, (err as Error).message]);
  assert.ok(!everything.includes(secret));
  assert.ok(!everything.includes('SECRET-PROMPT-TEXT'));
  delete process.env.IAMA_TEST_PROXY_KEY;

  const missing = rig(models, { proxyKeyRef: 'secrets/litellm/absent_master_key' });
  await assert.rejects(missing.router.call({ snapshot: snapshot('PRO'), stage: 'test_generation', attemptNumber: 1, sessionId: m, family: 'test_plan', prompt: { task: m } }), /secret "secrets\/litellm\/absent_master_key" is not available/);
});
