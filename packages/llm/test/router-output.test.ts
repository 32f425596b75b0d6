/**
 * @module The output contract through the real path (PRD V1 §11 items 1-8, output-cap table;
 * ADR-002 action items 3, 9, 10): fixture model behind the real LiteLLM Proxy, router in front,
 * `model_output_policy_violation` / `llm_output_fail_closed` events and ledger rows in PostgreSQL.
 */
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { isRouterError, issueConfirmationToken } from '../src/index';
import {
  CONFIRMATION_KEY,
  marker,
  routerTestContext,
  upstream,
  type RouterTestContext,
} from './harness';

let ctx: RouterTestContext;
before(async () => {
  ctx = await routerTestContext();
});
beforeEach(() => ctx.resetRoutes());
after(() => ctx.stop());
const rig = () => ({ router: ctx.rig() });
const snapshot = (...args: Parameters<RouterTestContext['snapshot']>) => ctx.snapshot(...args);

void test('PRD V1 §11 item 7: trailing-comma JSON is repaired by the tolerant parser without a second provider call', async () => {
  const r = rig();
  const m = marker();
  const res = await r.router.call({
    snapshot: await snapshot('PRO'),
    stage: 'test_generation',
    attemptNumber: 1,
    sessionId: m,
    family: 'test_plan',
    prompt: { task: `${m}\nfixture-scenario: malformed_json style=trailing_comma` },
  });
  assert.equal(res.repaired, true);
  assert.equal(res.output.schema_version, 'test_plan.v1');
  assert.equal((await upstream(ctx.models, m)).length, 1);
  assert.equal(res.record.providerCalls, 1);
});

void test('PRD V1 §11 items 5, 7: JSON wrapped in prose and a code fence is extracted and validated', async () => {
  const r = rig();
  const m = marker();
  const res = await r.router.call({
    snapshot: await snapshot('PLUS'),
    stage: 'planning',
    attemptNumber: 1,
    sessionId: m,
    family: 'proposal',
    prompt: { task: `${m}\nfixture-scenario: malformed_json style=prose` },
  });
  assert.equal(res.repaired, true);
  assert.ok(res.output.proposals.length > 0);
});

void test('PRD V1 §11 item 8 failure path: truncated JSON gets one controlled repair retry, then fails closed with LLM_OUTPUT_INVALID and an audit event', async () => {
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
      prompt: { task: `${m}\nfixture-scenario: malformed_json style=truncated` },
    }),
    (err) =>
      isRouterError(err, 'LLM_OUTPUT_INVALID') &&
      err.failureClass === 'LOGIC_FAILURE' &&
      err.retryable === false,
  );
  const seen = await upstream(ctx.models, m);
  assert.equal(seen.length, 2, 'the original call and exactly one repair retry');
  assert.match(JSON.stringify(seen[1]!.body), /was not valid test_plan JSON/);
  const closed = await ctx.audit(snap.jobId, 'llm_output_fail_closed');
  assert.equal(closed.length, 1);
  assert.deepEqual(
    [
      closed[0]!.actor_id,
      closed[0]!.metadata.model_class,
      closed[0]!.metadata.family,
      closed[0]!.metadata.attempt_number,
    ],
    [snap.userId, 'L1', 'test_plan', 1],
  );
  const rows = await ctx.ledger(snap.jobId);
  assert.equal(rows.length, 1);
  assert.equal(
    rows[0]!.failure_class,
    'LOGIC_FAILURE',
    'logic failures consume quota (V1-FR-BIL-002)',
  );
  assert.equal(rows[0]!.billable, true);
  assert.ok(rows[0]!.quantity > 0, 'both provider calls are metered');
  assert.equal((await ctx.records(snap.jobId)).at(-1)?.error_code, 'LLM_OUTPUT_INVALID');
});

void test('PRD V1 §11 item 3 failure path: schema-invalid JSON (a unified diff from L1) fails closed after the repair retry', async () => {
  const r = rig();
  const m = marker();
  await assert.rejects(
    r.router.call({
      snapshot: await snapshot('PRO'),
      stage: 'refactor_generation',
      attemptNumber: 1,
      sessionId: m,
      family: 'patch_edit',
      prompt: { task: `${m}\nfixture-scenario: schema_invalid` },
    }),
    (err) => isRouterError(err, 'LLM_OUTPUT_INVALID') && err.detail.stage === 'schema',
  );
});

void test('PRD V1 §11 cap table: L2 output over the (operator-lowered) cap → model_output_policy_violation, reinforced retry, then LLM_OUTPUT_CAP_EXCEEDED', async () => {
  await ctx.setRoute('L2', { output_token_limit: 300 });
  const r = rig();
  const m = marker();
  const snap = await snapshot('PRO');
  const token = issueConfirmationToken(
    {
      jobId: snap.jobId,
      attemptNumber: 4,
      modelClass: 'L2',
      basis: 'USER_CONFIRMED',
      expiresAt: Date.now() + 60_000,
    },
    CONFIRMATION_KEY,
  );
  await assert.rejects(
    r.router.call({
      snapshot: snap,
      stage: 'repair',
      iteration: 4,
      attemptNumber: 4,
      sessionId: m,
      family: 'patch_edit',
      confirmationToken: token,
      prompt: { task: `${m}\nfixture-scenario: over_cap` },
    }),
    (err) => isRouterError(err, 'LLM_OUTPUT_CAP_EXCEEDED') && err.detail.cap === 300,
  );
  const seen = await upstream(ctx.models, m);
  assert.equal(seen.length, 2);
  for (const s of seen)
    assert.equal(
      (s.body as { max_tokens: number }).max_tokens,
      300,
      'the cap is sent as max_tokens',
    );
  assert.match(JSON.stringify(seen[1]!.body), /exceeded the hard cap of 300 output tokens/);
  const violations = await ctx.audit(snap.jobId, 'model_output_policy_violation');
  assert.deepEqual(
    violations.map((v) => [
      v.metadata.violation,
      v.metadata.model_class,
      v.metadata.cap,
      v.metadata.will_retry,
    ]),
    [
      ['OUTPUT_CAP_EXCEEDED', 'L2', 300, true],
      ['OUTPUT_CAP_EXCEEDED', 'L2', 300, false],
    ],
  );
  assert.deepEqual(
    (await ctx.ledger(snap.jobId)).map((row) => [row.event_type, row.failure_class]),
    [['phase_2_call', 'LOGIC_FAILURE']],
  );
  assert.equal((await ctx.records(snap.jobId)).at(-1)?.model_class, 'L2');
});

void test('PRD V1 §11 cap table: L1 default cap is 30,000 and reaches the provider as max_tokens', async () => {
  const r = rig();
  const m = marker();
  await r.router.call({
    snapshot: await snapshot('FREE'),
    stage: 'test_generation',
    attemptNumber: 1,
    sessionId: m,
    family: 'test_plan',
    prompt: { task: m },
  });
  const [seen] = await upstream(ctx.models, m);
  const body = seen!.body as {
    max_tokens: number;
    stream: boolean;
    response_format: { json_schema: { name: string } };
    model: string;
  };
  assert.equal(body.max_tokens, 30_000);
  assert.equal(body.stream, true, 'every call streams (PRD V1 §11 note)');
  assert.equal(
    body.response_format.json_schema.name,
    'test_plan_v1',
    'provider-native structured output (§11 item 6)',
  );
  assert.equal(body.model, 'iama-fixture/l1');
});
