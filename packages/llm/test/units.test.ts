/**
 * @module Pure unit tests of the router's parts (no servers): waterfall, tokens, SSE framing,
 * usage normalization, tolerant parsing, backoff, provider status, session limiter, secrets,
 * cache segments and templates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LLM_SCHEMA_FAMILY_NAMES, TIERS } from '@iama/contracts';
import { apiKeyEnvVar } from '@iama/devstack/litellm';
import {
  applyContextCap,
  backoffDelay,
  buildMessages,
  CACHE_MIN_TOKENS,
  chainSecrets,
  drainEvents,
  envSecrets,
  envVarOf,
  fileSecrets,
  issueConfirmationToken,
  isRouterError,
  ledgerQuantity,
  creditsOfLedgerQuantity,
  normalizeUsage,
  parseAnswer,
  ProviderHealth,
  SessionLimiter,
  systemTemplate,
  verifyConfirmationToken,
  waterfallClass,
} from '../src/index';

void test('V1-FR-ROUTE-003: the waterfall table by tier, stage and iteration', () => {
  const table = TIERS.map((tier) => [
    tier,
    [1, 3, 4, 6, 7].map((i) => waterfallClass(tier, 'repair', i).modelClass).join(''),
    waterfallClass(tier, 'fallback_conversation').modelClass,
    waterfallClass(tier, 'deep_fix').modelClass,
  ]);
  assert.deepEqual(table, [
    ['FREE', 'L1L1L1L1L1', 'L1', null],
    ['PLUS', 'L1L1L2L2L2', 'L2', null],
    ['PRO', 'L1L1L2L2L2', 'L2', 'L2'],
    ['MAX', 'L1L1L2L2L2', 'L2', 'L3'],
    ['ENTERPRISE', 'L1L1L2L2L2', 'L2', 'L3'],
  ]);
  for (const tier of TIERS)
    for (const stage of ['test_generation', 'refactor_generation'] as const)
      assert.equal(waterfallClass(tier, stage).modelClass, 'L1');
});

void test('V1-FR-SUB-006 failure path: confirmation tokens are bound to job, attempt and class, expire, and reject tampering', () => {
  const claims = {
    jobId: 'j',
    attemptNumber: 2,
    modelClass: 'L3' as const,
    basis: 'USER_CONFIRMED' as const,
    expiresAt: 2000,
  };
  const token = issueConfirmationToken(claims, 'k');
  const scope = { jobId: 'j', attemptNumber: 2, modelClass: 'L3' as const };
  assert.deepEqual(verifyConfirmationToken(token, scope, 'k', 1000), { ok: true, claims });
  assert.equal(verifyConfirmationToken(token, scope, 'k', 2000).ok, false);
  assert.deepEqual(verifyConfirmationToken(token, { ...scope, attemptNumber: 3 }, 'k', 1000), {
    ok: false,
    reason: 'WRONG_SCOPE',
  });
  assert.deepEqual(verifyConfirmationToken(token, scope, 'other-key', 1000), {
    ok: false,
    reason: 'BAD_SIGNATURE',
  });
  const [v, , mac] = token.split('.');
  const forged = `${v}.${Buffer.from(JSON.stringify({ ...claims, attemptNumber: 3 })).toString('base64url')}.${mac}`;
  assert.deepEqual(verifyConfirmationToken(forged, { ...scope, attemptNumber: 3 }, 'k', 1000), {
    ok: false,
    reason: 'BAD_SIGNATURE',
  });
  assert.deepEqual(verifyConfirmationToken(undefined, scope, 'k', 1000), {
    ok: false,
    reason: 'MISSING',
  });
  assert.deepEqual(verifyConfirmationToken('garbage', scope, 'k', 1000), {
    ok: false,
    reason: 'MALFORMED',
  });
});

void test('V1-FR-ROUTE-001: SSE framing with CRLF, comments, split events and [DONE]', () => {
  const a = drainEvents('data: {"a":1}\r\n\r\n: ping\n\ndata: {"b"');
  assert.deepEqual(a.data, ['{"a":1}']);
  const b = drainEvents(`${a.rest}:2}\n\ndata: [DONE]\n\n`);
  assert.deepEqual(b.data, ['{"b":2}', '[DONE]']);
  assert.equal(b.rest, '');
});

void test('PRD V1 §11 item 5: usage normalized across OpenAI and Anthropic shapes; missing usage is null', () => {
  assert.deepEqual(
    normalizeUsage({
      prompt_tokens: 100,
      completion_tokens: 5,
      prompt_tokens_details: { cached_tokens: 80 },
    }),
    { promptTokens: 100, cachedTokens: 80, completionTokens: 5 },
  );
  assert.deepEqual(
    normalizeUsage({ prompt_tokens: 100, completion_tokens: 5, cache_read_input_tokens: 90 }),
    { promptTokens: 100, cachedTokens: 90, completionTokens: 5 },
  );
  assert.equal(
    normalizeUsage({ prompt_tokens: 10, prompt_tokens_details: { cached_tokens: 50 } })
      ?.cachedTokens,
    10,
    'cached never exceeds prompt',
  );
  assert.equal(normalizeUsage(null), null);
});

const validBdd = { schema_version: 'bdd.v1' };

void test('PRD V1 §11 item 7 failure path: tolerant parsing repairs fences and trailing commas, refuses non-JSON, and schema-checks', () => {
  const plan = JSON.stringify({
    schema_version: 'patch_edit.v1',
    operations: [{ op: 'create_file', path: 'a.ts', base_fingerprint: null, content: 'x' }],
  });
  assert.deepEqual(parseAnswer('patch_edit', plan), {
    ok: true,
    value: JSON.parse(plan),
    repaired: false,
  });
  const fenced = parseAnswer(
    'patch_edit',
    `Here you go:\n\`\`\`json\n${plan.replace(/}]}$/, '},]}')}\n\`\`\``,
  );
  assert.equal(fenced.ok && fenced.repaired, true);
  const none = parseAnswer('patch_edit', 'I cannot help with that.');
  assert.equal(none.ok, false);
  const schema = parseAnswer('bdd', JSON.stringify(validBdd));
  assert.equal(!schema.ok && schema.stage, 'schema');
});

void test('ADR-002: backoff is exponential, jittered, capped, and never below a Retry-After', () => {
  const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
  assert.equal(
    backoffDelay(1, policy, null, () => 0.999),
    99,
  );
  assert.equal(
    backoffDelay(3, policy, null, () => 0.999),
    399,
  );
  assert.equal(
    backoffDelay(10, policy, null, () => 0.999),
    999,
  );
  assert.equal(
    backoffDelay(1, policy, null, () => 0),
    0,
  );
  assert.equal(
    backoffDelay(1, policy, 700, () => 0),
    700,
  );
});

void test('issue #4: provider status OK → DEGRADED → DOWN → DEGRADED → OK', () => {
  let now = 0;
  const h = new ProviderHealth(() => now, {
    downAfterConsecutiveFailures: 3,
    degradedWindowMs: 1000,
  });
  assert.equal(h.status('l1'), 'OK');
  h.failure('l1', 'server');
  assert.equal(h.status('l1'), 'DEGRADED');
  assert.equal(
    h.entryOf('l1').degradedUntil,
    1000,
    'readers in other processes see when DEGRADED lapses',
  );
  assert.deepEqual(h.entryOf('l9'), {
    alias: 'l9',
    status: 'OK',
    consecutiveFailures: 0,
    lastSuccessAt: null,
    lastFailureAt: null,
    lastFailureKind: null,
    degradedUntil: null,
  });
  h.failure('l1', 'server');
  h.failure('l1', 'server');
  assert.equal(h.status('l1'), 'DOWN');
  h.success('l1');
  assert.equal(h.status('l1'), 'DEGRADED');
  now = 5000;
  assert.equal(h.status('l1'), 'OK');
});

void test('V1-FR-ROUTE-002 failure path: a 4th L1 call waits; past maxWaitMs it fails with L1_CONCURRENCY_LIMIT; aborting a waiter frees nothing it did not hold', async () => {
  const limiter = new SessionLimiter(3, 50);
  const releases = await Promise.all([1, 2, 3].map(() => limiter.acquire('s')));
  await assert.rejects(limiter.acquire('s'), (err) => isRouterError(err, 'L1_CONCURRENCY_LIMIT'));
  const ac = new AbortController();
  const waiting = limiter.acquire('s', ac.signal);
  ac.abort(new Error('gone'));
  await assert.rejects(waiting, /gone/);
  assert.equal(limiter.inFlight('s'), 3);
  const fourth = limiter.acquire('s');
  releases[0]!();
  const release4 = await fourth;
  assert.equal(limiter.inFlight('s'), 3, 'the slot was handed over, not freed and retaken');
  release4();
  releases[1]!();
  releases[2]!();
  assert.equal(limiter.inFlight('s'), 0);
});

void test('DB_SCHEMA §8.1 + invariant 19: env and file secrets providers; refs map to env vars exactly like the LiteLLM config generator; errors name the ref only', async () => {
  for (const ref of [
    'env:LITELLM_MASTER_KEY',
    'os.environ/X_KEY',
    'secrets/litellm/minimax_api_key',
    'secrets/a-b/c.d',
  ])
    assert.equal(envVarOf(ref), apiKeyEnvVar(ref));
  const env = envSecrets({ MINIMAX_API_KEY: 'v1' });
  assert.equal(await env.resolve('secrets/litellm/minimax_api_key'), 'v1');
  const dir = mkdtempSync(join(tmpdir(), 'iama-secrets-'));
  mkdirSync(join(dir, 'secrets/litellm'), { recursive: true });
  writeFileSync(join(dir, 'secrets/litellm/anthropic_api_key'), 'file-value\n');
  const files = fileSecrets(dir);
  assert.equal(await files.resolve('secrets/litellm/anthropic_api_key'), 'file-value');
  await assert.rejects(files.resolve('../etc/passwd'), /is not available/);
  const chain = chainSecrets(files, env);
  assert.equal(await chain.resolve('secrets/litellm/minimax_api_key'), 'v1');
  await assert.rejects(
    chain.resolve('secrets/litellm/none'),
    (err: Error) => err.message === 'secret "secrets/litellm/none" is not available',
  );
});

void test('V1-FR-CTX-006: segments are marked 1 h / 5 min only once the prefix reaches 1,024 tokens; the fresh segment never is', () => {
  const small = buildMessages('system', { task: 't', approvedSpec: 'short spec' }, []);
  assert.equal(small.cacheableTokens, 0);
  assert.ok(small.messages.every((m) => m.content.every((p) => !p.cache_control)));
  const bigSystem = 'x'.repeat(CACHE_MIN_TOKENS * 4);
  const big = buildMessages(bigSystem, { task: 't', approvedSpec: 'spec', errorOutput: 'err' }, [
    'retry note',
  ]);
  assert.deepEqual(
    big.messages.map((m) => m.content[0]!.cache_control),
    [{ type: 'ephemeral', ttl: '1h' }, { type: 'ephemeral' }, undefined],
  );
  assert.match(big.messages[2]!.content[0]!.text, /## Error output\nerr[\s\S]*retry note/);
  // Below the minimum on its own, the system segment is not marked; with the spec it reaches it.
  const mid = buildMessages('y'.repeat(2000), { task: 't', approvedSpec: 'z'.repeat(3000) }, []);
  assert.deepEqual(
    mid.messages.map((m) => m.content[0]!.cache_control),
    [undefined, { type: 'ephemeral' }, undefined],
  );
});

void test('PRD V1 §11 item 4: a template for every family × mode carries safety rules, the schema version, the cap and the mode control', () => {
  for (const family of LLM_SCHEMA_FAMILY_NAMES) {
    for (const mode of ['SIMPLE', 'PROFESSIONAL', 'ENTERPRISE'] as const) {
      const t = systemTemplate(family, mode, 'L1', 30_000);
      assert.match(t, /Safety rules:/);
      assert.match(t, new RegExp(`schema_family: ${family}`));
      assert.match(t, /at most 30000 tokens/);
      assert.match(
        t,
        new RegExp(
          `${mode === 'SIMPLE' ? 'Simple' : mode === 'PROFESSIONAL' ? 'Professional' : 'Enterprise'} Mode`,
        ),
      );
    }
  }
  assert.match(
    systemTemplate('patch_edit', 'PROFESSIONAL', 'L2', 5000),
    /Full-file regeneration is prohibited/,
  );
});

void test('PRD V1 §9.10 + DB_SCHEMA §2: credits are stored in usage_ledger.quantity as milli-credits, rounded once; out-of-range fails', () => {
  assert.equal(ledgerQuantity(0.3004), 300);
  assert.equal(ledgerQuantity(0.0005), 1);
  assert.equal(ledgerQuantity(0), 0);
  assert.equal(creditsOfLedgerQuantity(1235), 1.235);
  assert.throws(() => ledgerQuantity(-1), RangeError);
  assert.throws(() => ledgerQuantity(Number.NaN), RangeError);
  assert.throws(
    () => ledgerQuantity(3_000_000),
    RangeError,
    'INTEGER holds at most ~2.1M credits per row',
  );
});

void test('V1-FR-CTX-004: slices whose byte bound fits the cap skip the tokenizer pass unchanged; near the cap fitToCap runs and reports', async () => {
  const slice = {
    id: 'a.ts',
    path: 'a.ts',
    role: 'target' as const,
    text: 'export const a = 1;\n'.repeat(50),
    critical: true,
    complete: true,
    pruned: false,
    depth: 0,
    reasons: [{ kind: 'target' as const }],
  };
  const bytes = Buffer.byteLength(slice.text);
  const far = await applyContextCap([slice], 100_000, 1000);
  assert.equal(far.report, null);
  assert.deepEqual(far.slices, [slice]);
  // Under the cap by tokens but not by the byte bound: the precise path runs and reports.
  const near = await applyContextCap([slice], bytes + 1000, 1000);
  assert.equal(near.report?.pruned.length, 0);
  assert.ok(near.report!.tokensBefore < bytes);
  await assert.rejects(applyContextCap([slice], 1100, 1000), (err) =>
    isRouterError(err, 'CONTEXT_CAP_EXCEEDED'),
  );
});
