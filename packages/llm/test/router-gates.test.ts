/**
 * @module Every gate before a provider call, through the real path (V1-FR-ROUTE-002/003/005/006,
 * V1-FR-SUB-004/006, V1-FR-CTX-004/005, PRD V1 §17 groups 12, 16, 32): a denied call never
 * reaches the fixture model, writes no `usage_ledger` row and leaves an `llm_route_denied` audit
 * event with its model class in PostgreSQL.
 */
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Slice } from '@iama/context';
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

const token = (
  jobId: string,
  attemptNumber: number,
  modelClass: 'L2' | 'L3',
  basis: 'USER_CONFIRMED' | 'PREAUTHORIZED' = 'USER_CONFIRMED',
) =>
  issueConfirmationToken(
    { jobId, attemptNumber, modelClass, basis, expiresAt: Date.now() + 60_000 },
    CONFIRMATION_KEY,
  );

/** Flips the MAC's first character (its last one carries only 4 bits, so changing it may decode to the same MAC). */
const tampered = (t: string) => {
  const i = t.lastIndexOf('.') + 1;
  return `${t.slice(0, i)}${t[i] === 'A' ? 'B' : 'A'}${t.slice(i + 1)}`;
};

const denied = (reason: string) => (err: unknown) =>
  isRouterError(err, 'ENTITLEMENT_DENIED_PHASE') &&
  err.detail.denial_reason === reason &&
  err.failureClass === 'POLICY_BLOCKED';

void test('V1-FR-ROUTE-005 failure path: Free asking for L2 is denied with ENTITLEMENT_DENIED_PHASE; nothing reaches the provider; the denial is audited and recorded', async () => {
  const r = rig();
  const m = marker();
  const snap = await snapshot('FREE');
  await assert.rejects(
    r.router.call({
      snapshot: snap,
      stage: 'fallback_conversation',
      modelClass: 'L2',
      attemptNumber: 1,
      sessionId: m,
      family: 'patch_edit',
      prompt: { task: m },
    }),
    denied('PHASE_NOT_IN_TIER'),
  );
  assert.equal((await upstream(ctx.models, m)).length, 0);
  const [event] = await ctx.audit(snap.jobId, 'llm_route_denied');
  assert.equal(event?.event_type, 'llm_route_denied');
  assert.equal(event.actor_id, snap.userId);
  assert.deepEqual(
    [event.metadata.model_class, event.metadata.denial_reason, event.metadata.code],
    ['L2', 'PHASE_NOT_IN_TIER', 'ENTITLEMENT_DENIED_PHASE'],
    'ADR-002 action item 9: model_class on routing audit events',
  );
  const [record] = await ctx.records(snap.jobId);
  assert.deepEqual(
    [record?.outcome, record?.error_code, record?.tier, record?.stage],
    ['DENIED', 'ENTITLEMENT_DENIED_PHASE', 'FREE', 'fallback_conversation'],
  );
  assert.equal((await ctx.ledger(snap.jobId)).length, 0, 'no tokens, no ledger row');
});

void test('V1-FR-ROUTE-005 failure path: Pro cannot reach phase 3 even with a confirmation token', async () => {
  const r = rig();
  const m = marker();
  const snap = await snapshot('PRO');
  await assert.rejects(
    r.router.call({
      snapshot: snap,
      stage: 'deep_fix',
      phase: 3,
      attemptNumber: 9,
      sessionId: m,
      family: 'patch_edit',
      confirmationToken: token(snap.jobId, 9, 'L3'),
      prompt: { task: m },
    }),
    denied('PHASE_NOT_IN_TIER'),
  );
  assert.equal((await upstream(ctx.models, m)).length, 0);
});

void test('V1-FR-SUB-004: the snapshot narrows the tier (phase_limits [1] on a Max job denies L2); the tier matrix caps the snapshot', async () => {
  const r = rig();
  const m = marker();
  await assert.rejects(
    r.router.call({
      snapshot: await snapshot('MAX', { phases: [1] }),
      stage: 'fallback_conversation',
      attemptNumber: 1,
      sessionId: m,
      family: 'patch_edit',
      prompt: { task: m },
    }),
    denied('PHASE_NOT_IN_TIER'),
  );
  // A forged snapshot claiming phase 3 on Plus is still refused by the tier matrix.
  const plus = await snapshot('PLUS', { phases: [1, 2, 3] });
  await assert.rejects(
    r.router.call({
      snapshot: plus,
      stage: 'deep_fix',
      phase: 3,
      attemptNumber: 1,
      sessionId: m,
      family: 'patch_edit',
      confirmationToken: token(plus.jobId, 1, 'L3'),
      prompt: { task: m },
    }),
    denied('STAGE_NOT_IN_TIER'),
  );
});

void test('V1-FR-ROUTE-002 failure path: L3 without a confirmation token is blocked; a token for another attempt is refused; a valid one dispatches on l3 and is audited', async () => {
  const r = rig();
  const m = marker();
  const snap = await snapshot('MAX');
  const base = {
    snapshot: snap,
    stage: 'deep_fix' as const,
    attemptNumber: 12,
    sessionId: m,
    family: 'patch_edit' as const,
    prompt: { task: m },
  };
  await assert.rejects(r.router.call(base), denied('L3_CONFIRMATION_REQUIRED'));
  await assert.rejects(
    r.router.call({ ...base, confirmationToken: token(snap.jobId, 11, 'L3') }),
    denied('L3_CONFIRMATION_REQUIRED'),
  );
  await assert.rejects(
    r.router.call({ ...base, confirmationToken: tampered(token(snap.jobId, 12, 'L3')) }),
    denied('L3_CONFIRMATION_REQUIRED'),
  );
  assert.equal((await upstream(ctx.models, m)).length, 0, 'no denied call reached the provider');
  const ok = await r.router.call({ ...base, confirmationToken: token(snap.jobId, 12, 'L3') });
  assert.equal(ok.record.modelClass, 'L3');
  assert.equal(ok.record.alias, 'l3');
  const [seen] = await upstream(ctx.models, m);
  assert.equal((seen?.body as { model: string }).model, 'iama-fixture/l3');
  const dispatched = await ctx.audit(snap.jobId, 'llm_l3_dispatched');
  assert.deepEqual(
    dispatched.map((e) => [e.metadata.authorization, e.metadata.model_class]),
    [['USER_CONFIRMED', 'L3']],
  );
  assert.equal(
    (await ctx.audit(snap.jobId, 'llm_route_denied')).length,
    3,
    'each refused attempt is audited',
  );
  const rows = await ctx.ledger(snap.jobId);
  assert.deepEqual(
    rows.map((row) => [row.event_type, row.idempotency_key]),
    [['phase_3_call', `${snap.jobId}:L3:12`]],
  );
});

void test('V1-FR-ROUTE-003 + PRD V1 §17 group 32: repair iteration 4 on Plus escalates to L2 only with confirmation; iterations 1-3 stay on L1', async () => {
  const r = rig();
  const m = marker();
  const snap = await snapshot('PLUS');
  const l1 = await r.router.call({
    snapshot: snap,
    stage: 'repair',
    iteration: 3,
    attemptNumber: 3,
    sessionId: m,
    family: 'patch_edit',
    prompt: { task: m },
  });
  assert.equal(l1.record.modelClass, 'L1');
  await assert.rejects(
    r.router.call({
      snapshot: snap,
      stage: 'repair',
      iteration: 4,
      attemptNumber: 4,
      sessionId: m,
      family: 'patch_edit',
      prompt: { task: m },
    }),
    denied('ESCALATION_NOT_AUTHORIZED'),
  );
  const l2 = await r.router.call({
    snapshot: snap,
    stage: 'repair',
    iteration: 4,
    attemptNumber: 4,
    sessionId: m,
    family: 'patch_edit',
    confirmationToken: token(snap.jobId, 4, 'L2'),
    prompt: { task: m },
  });
  assert.equal(l2.record.modelClass, 'L2');
  assert.equal(l2.record.reason, 'REPAIR_ITERATION_4_PLUS');
  // Free never escalates: iteration 5 is still L1 and needs no token.
  const free = await r.router.call({
    snapshot: await snapshot('FREE'),
    stage: 'repair',
    iteration: 5,
    attemptNumber: 5,
    sessionId: m,
    family: 'patch_edit',
    prompt: { task: m },
  });
  assert.equal(free.record.modelClass, 'L1');
  assert.equal(free.record.reason, 'REPAIR_TIER_PHASE_1_ONLY');
});

void test('PRD V1 §17 group 32: an Enterprise job pre-authorized to phase 2 escalates without a runtime token; a spent budget degrades to L1 or stops', async () => {
  const r = rig();
  const m = marker();
  const snap = await snapshot('ENTERPRISE', {
    preauthorization: {
      phaseCeiling: 2,
      creditBudget: 1000,
      onBudgetExhausted: 'degrade_to_base_model',
    },
  });
  const res = await r.router.call({
    snapshot: snap,
    stage: 'repair',
    iteration: 4,
    attemptNumber: 4,
    sessionId: m,
    family: 'patch_edit',
    prompt: { task: m },
  });
  assert.equal(res.record.modelClass, 'L2');
  // Pre-authorization is Enterprise-only (tier matrix): the same snapshot on Max is ignored.
  await assert.rejects(
    r.router.call({
      snapshot: { ...snap, tier: 'MAX', operatingMode: 'PROFESSIONAL' },
      stage: 'repair',
      iteration: 4,
      attemptNumber: 5,
      sessionId: m,
      family: 'patch_edit',
      prompt: { task: m },
    }),
    denied('ESCALATION_NOT_AUTHORIZED'),
  );
  // The budget is read back from usage_ledger (milli-credits): still under it, L2 again.
  const l2Spent = res.record.credits;
  assert.ok(l2Spent > 0.01);
  const under = {
    ...snap,
    preauthorization: { ...snap.preauthorization!, creditBudget: l2Spent * 1.5 },
  };
  assert.equal(
    (
      await r.router.call({
        snapshot: under,
        stage: 'repair',
        iteration: 4,
        attemptNumber: 40,
        sessionId: m,
        family: 'patch_edit',
        prompt: { task: m },
      })
    ).record.modelClass,
    'L2',
  );
  // Budget spent (two L2 calls now exceed it): degrade_to_base_model routes the escalated call to L1 instead.
  const spent = under;
  const degraded = await r.router.call({
    snapshot: spent,
    stage: 'repair',
    iteration: 5,
    attemptNumber: 6,
    sessionId: m,
    family: 'patch_edit',
    prompt: { task: m },
  });
  assert.equal(degraded.record.modelClass, 'L1');
  assert.equal(degraded.record.reason, 'PREAUTHORIZATION_BUDGET_EXHAUSTED_DEGRADED_TO_L1');
  const stop = {
    ...snap,
    preauthorization: {
      ...snap.preauthorization!,
      creditBudget: l2Spent * 1.5,
      onBudgetExhausted: 'stop' as const,
    },
  };
  await assert.rejects(
    r.router.call({
      snapshot: stop,
      stage: 'repair',
      iteration: 5,
      attemptNumber: 7,
      sessionId: m,
      family: 'patch_edit',
      prompt: { task: m },
    }),
    denied('PREAUTHORIZATION_BUDGET_EXHAUSTED'),
  );
});

void test('PRD V1 §11 table failure path: L2 may not answer outside patch_edit (test_plan on an L2 repair is refused)', async () => {
  const r = rig();
  const m = marker();
  const snap = await snapshot('PRO');
  await assert.rejects(
    r.router.call({
      snapshot: snap,
      stage: 'repair',
      iteration: 4,
      attemptNumber: 4,
      sessionId: m,
      family: 'test_plan',
      confirmationToken: token(snap.jobId, 4, 'L2'),
      prompt: { task: m },
    }),
    denied('FAMILY_NOT_ALLOWED_FOR_CLASS'),
  );
});

const slice = (
  id: string,
  role: Slice['role'],
  text: string,
  extra: Partial<Slice> = {},
): Slice => ({
  id,
  path: id.split('#')[0]!,
  role,
  text,
  critical: role !== 'dependency',
  complete: true,
  pruned: false,
  depth: role === 'dependency' ? 2 : 0,
  reasons: [{ kind: role === 'target' ? 'target' : 'spec' }],
  ...extra,
});

void test('V1-FR-CTX-004: over the snapshot cap, dependency bodies are pruned and the pruned request is sent (targets intact)', async () => {
  const r = rig();
  const m = marker();
  const body = `  return ${'compute(x) + '.repeat(400)}0;\n`;
  const dep = slice(
    'src/dep.ts#heavy',
    'dependency',
    `export function heavy(x: number): number {\n${body}}`,
    { prunedText: 'export function heavy(x: number): number { /* body omitted */ }' },
  );
  const target = slice('src/target.ts', 'target', `export const target = 1; // ${m}`);
  const res = await r.router.call({
    snapshot: await snapshot('FREE', { contextCap: 3000 }),
    stage: 'refactor_generation',
    attemptNumber: 1,
    sessionId: m,
    family: 'patch_edit',
    prompt: { task: m, slices: [dep, target] },
  });
  assert.equal(res.record.pruning?.prunedSlices, 1);
  const [seen] = await upstream(ctx.models, m);
  const sent = JSON.stringify(seen!.body);
  assert.match(sent, /body omitted/);
  assert.doesNotMatch(sent, /compute\(x\) \+ compute/);
  assert.match(sent, /export const target = 1/);
});

void test('V1-FR-CTX-005 failure path: still over the cap after pruning → CONTEXT_CAP_EXCEEDED with guidance, no provider call', async () => {
  const r = rig();
  const m = marker();
  const target = slice(
    'src/huge.ts',
    'target',
    `// ${m}\n${'const value = someFunction(argument) + other;\n'.repeat(400)}`,
  );
  const snap = await snapshot('PLUS', { contextCap: 3000 });
  await assert.rejects(
    r.router.call({
      snapshot: snap,
      stage: 'refactor_generation',
      attemptNumber: 1,
      sessionId: m,
      family: 'patch_edit',
      prompt: { task: 'refactor', slices: [target] },
    }),
    (err) =>
      isRouterError(err, 'CONTEXT_CAP_EXCEEDED') &&
      typeof err.detail.guidance === 'string' &&
      (err.detail.tokensAfterPruning as number) > 3000,
  );
  assert.equal((await upstream(ctx.models, m)).length, 0);
  assert.equal((await ctx.records(snap.jobId))[0]?.outcome, 'DENIED');
  assert.equal((await ctx.ledger(snap.jobId)).length, 0);
});

void test('V1-FR-ROUTE-002: at most 3 concurrent L1 calls per user session; the 4th waits for a slot, other sessions are unaffected', async () => {
  const r = rig();
  const m = marker();
  const snap = await snapshot('PRO');
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, r.router.l1InFlight(m));
  }, 5);
  const dispatchedAt: number[] = [];
  const finishedAt: number[] = [];
  const calls = [1, 2, 3, 4].map((n) =>
    r.router
      .call({
        snapshot: snap,
        stage: 'test_generation',
        attemptNumber: n,
        sessionId: m,
        family: 'test_plan',
        onProgress: (e) => e.type === 'dispatched' && dispatchedAt.push(Date.now()),
        prompt: { task: `${m}\nfixture-scenario: slow_stream chunks=3 delay_ms=150` },
      })
      .then(() => finishedAt.push(Date.now())),
  );
  await new Promise((res) => setTimeout(res, 100));
  const other = await r.router.call({
    snapshot: snap,
    stage: 'test_generation',
    attemptNumber: 9,
    sessionId: `${m}-other`,
    family: 'test_plan',
    prompt: { task: 'other session' },
  });
  assert.equal(other.record.outcome, 'OK');
  await Promise.all(calls);
  clearInterval(sampler);
  assert.equal(peak, 3);
  assert.equal(dispatchedAt.length, 4);
  assert.ok(
    dispatchedAt[3]! >= Math.min(...finishedAt) - 5,
    'the 4th call started only after one of the first three finished',
  );
});
