/**
 * Entitlements from `subscription_tiers` (issue #5; API_CONTRACT §3; V1-FR-SUB-001,
 * V1-FR-SUB-004, V1-FR-SUB-008; DB_SCHEMA §20 invariants 10 and 16; AGENT.md resolution 10).
 */
import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  errorEnvelopeSchema,
  subscriptionResponseSchema,
  TIERS,
  type ExecutionMode,
  type Tier,
} from '@iama/contracts';
import { ApiError } from '../src/errors';
import {
  entitlementDenial,
  requireEntitlement,
  snapshotEntitlement,
  type Feature,
} from '../src/entitlements';
import { createTestUser } from './support/auth';
import { createTestApp, type TestApp } from './support/db';

/** V1-FR-SUB-004 written out by hand, so the view is checked against the spec, not against itself. */
const EXPECTED: Record<Tier, Record<string, unknown>> = {
  FREE: {
    context_cap: 128000,
    operating_mode: 'SIMPLE',
    phase_1_limit: { type: 'daily', limit: 3 },
    phase_2_limit: { type: 'monthly', limit: 0 },
    phase_3_limit: { type: 'monthly', limit: 0 },
    execution_environments: ['LOCAL'],
    web_github_enabled: false,
    enterprise_report_enabled: false,
  },
  PLUS: {
    context_cap: 128000,
    operating_mode: 'SIMPLE',
    phase_1_limit: { type: 'monthly', limit: 280 },
    phase_2_limit: { type: 'monthly', limit: 280 },
    phase_3_limit: { type: 'monthly', limit: 0 },
    execution_environments: ['LOCAL'],
    web_github_enabled: false,
    enterprise_report_enabled: false,
  },
  PRO: {
    context_cap: 200000,
    operating_mode: 'PROFESSIONAL',
    phase_1_limit: { type: 'monthly', limit: 650 },
    phase_2_limit: { type: 'monthly', limit: 650 },
    phase_3_limit: { type: 'monthly', limit: 0 },
    execution_environments: ['LOCAL', 'CLOUD'],
    web_github_enabled: true,
    enterprise_report_enabled: false,
  },
  MAX: {
    context_cap: 200000, // AGENT.md resolution 1: not 500K
    operating_mode: 'PROFESSIONAL',
    phase_1_limit: { type: 'monthly', limit: 1500 },
    phase_2_limit: { type: 'monthly', limit: 1500 },
    phase_3_limit: { type: 'monthly', limit: 1500 },
    execution_environments: ['LOCAL', 'CLOUD'],
    web_github_enabled: true,
    enterprise_report_enabled: false,
  },
  ENTERPRISE: {
    context_cap: 1000000,
    operating_mode: 'ENTERPRISE',
    phase_1_limit: { type: 'unlimited', limit: null },
    phase_2_limit: { type: 'unlimited', limit: null },
    phase_3_limit: { type: 'unlimited', limit: null },
    execution_environments: ['LOCAL', 'CLOUD'],
    web_github_enabled: true,
    enterprise_report_enabled: true,
  },
};

void describe('GET /api/v1/subscription/me (V1-FR-SUB-001, V1-FR-SUB-004)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  const me = (headers: Record<string, string>) =>
    t.app.inject({ method: 'GET', url: '/api/v1/subscription/me', headers });

  void it('V1-FR-SUB-004: every tier reports the matrix entitlements in the contract shape', async () => {
    for (const tier of TIERS) {
      const u = await createTestUser(t.scratch.db, { tier });
      const res = await me(u.headers);
      assert.equal(res.statusCode, 200, tier);
      const body = subscriptionResponseSchema.parse(res.json());
      assert.deepEqual(body, { tier, ...EXPECTED[tier], billing_status: 'ACTIVE' }, tier);
    }
  });

  void it('invariant 16: subscription_tiers is the authority — payment_subscriptions is ignored, and a tier change applies to the next request without a new token', async () => {
    const u = await createTestUser(t.scratch.db, { tier: 'FREE' });
    await t.scratch.db
      .insertInto('payment_subscriptions')
      .values({
        user_id: u.userId,
        gateway: 'stripe',
        external_subscription_id: `sub_${randomUUID()}`,
        external_customer_id: 'cus_1',
        tier: 'MAX',
        status: 'ACTIVE',
      })
      .execute();
    assert.equal((await me(u.headers)).json<{ tier: string }>().tier, 'FREE');
    await t.scratch.db
      .updateTable('subscription_tiers')
      .set({
        tier: 'PRO',
        status: 'PAST_DUE',
        context_cap: 150000,
        operating_mode: 'PROFESSIONAL',
        updated_at: new Date(),
      })
      .where('user_id', '=', u.userId)
      .execute();
    const after = subscriptionResponseSchema.parse((await me(u.headers)).json());
    assert.equal(after.tier, 'PRO');
    assert.equal(after.billing_status, 'PAST_DUE');
    assert.equal(
      after.context_cap,
      150000,
      'the row cap (operator-configurable) wins over the matrix default',
    );
  });

  void it('the most recently updated row is current; TRIAL reads as ACTIVE', async () => {
    const u = await createTestUser(t.scratch.db, { tier: 'FREE' });
    await t.scratch.db
      .insertInto('subscription_tiers')
      .values({
        user_id: u.userId,
        tier: 'MAX',
        status: 'TRIAL',
        context_cap: 200000,
        operating_mode: 'PROFESSIONAL',
        billing_cycle_start: new Date(),
        billing_cycle_end: new Date(Date.now() + 86_400_000),
        updated_at: new Date(Date.now() + 1000),
      })
      .execute();
    const body = subscriptionResponseSchema.parse((await me(u.headers)).json());
    assert.equal(body.tier, 'MAX');
    assert.equal(body.billing_status, 'ACTIVE');
  });

  void it('refuses anonymous and foreign callers', async () => {
    const res = await me({});
    assert.equal(res.statusCode, 401);
    assert.equal(errorEnvelopeSchema.parse(res.json()).error_code, 'INVALID_CREDENTIALS');
  });
});

void describe('requireEntitlement (V1-FR-SUB-004, V1-FR-SUB-008; API_CONTRACT §13 invariant 4)', () => {
  const denial = (tier: Tier, f: Feature) => entitlementDenial(tier, f);

  void it('V1-FR-SUB-008: cloud sandbox only for Pro, Max, Enterprise, denied with EXECUTION_ENVIRONMENT_NOT_ENTITLED', () => {
    const remote: Feature = { kind: 'EXECUTION_MODE', mode: 'REMOTE_SANDBOX' };
    assert.deepEqual(
      TIERS.map((tier) => denial(tier, remote)?.denialReason ?? 'OK'),
      [
        'EXECUTION_ENVIRONMENT_NOT_ENTITLED',
        'EXECUTION_ENVIRONMENT_NOT_ENTITLED',
        'OK',
        'OK',
        'OK',
      ],
    );
    for (const mode of ['LOCAL_DOCKER', 'LOCAL_NATIVE'] as ExecutionMode[])
      assert.equal(denial('FREE', { kind: 'EXECUTION_MODE', mode }), null);
  });

  void it('V1-FR-SUB-004: each dimension is enforced on its own', () => {
    const row = (f: Feature) => TIERS.map((tier) => denial(tier, f)?.code ?? 'OK');
    assert.deepEqual(row({ kind: 'PHASE', phase: 2 }), [
      'ENTITLEMENT_DENIED_PHASE',
      'OK',
      'OK',
      'OK',
      'OK',
    ]);
    assert.deepEqual(row({ kind: 'PHASE', phase: 3 }), [
      'ENTITLEMENT_DENIED_PHASE',
      'ENTITLEMENT_DENIED_PHASE',
      'ENTITLEMENT_DENIED_PHASE',
      'OK',
      'OK',
    ]);
    assert.deepEqual(row({ kind: 'MODEL_CLASS', modelClass: 'L3' }), [
      'ENTITLEMENT_DENIED',
      'ENTITLEMENT_DENIED',
      'ENTITLEMENT_DENIED',
      'OK',
      'OK',
    ]);
    assert.deepEqual(row({ kind: 'WEB_GITHUB' }), [
      'ENTITLEMENT_INSUFFICIENT',
      'ENTITLEMENT_INSUFFICIENT',
      'OK',
      'OK',
      'OK',
    ]);
    assert.deepEqual(row({ kind: 'ENTERPRISE_REPORT' }), [
      'ENTITLEMENT_ENTERPRISE_ONLY',
      'ENTITLEMENT_ENTERPRISE_ONLY',
      'ENTITLEMENT_ENTERPRISE_ONLY',
      'ENTITLEMENT_ENTERPRISE_ONLY',
      'OK',
    ]);
    assert.deepEqual(row({ kind: 'PROFESSIONAL_MODE' }), [
      'ENTITLEMENT_DENIED',
      'ENTITLEMENT_DENIED',
      'OK',
      'OK',
      'OK',
    ]);
    assert.deepEqual(row({ kind: 'SPEC_EDIT' }), ['ENTITLEMENT_DENIED', 'OK', 'OK', 'OK', 'OK']);
    assert.deepEqual(row({ kind: 'FAST_TRACK' }), [
      'ENTITLEMENT_DENIED',
      'ENTITLEMENT_DENIED',
      'OK',
      'OK',
      'ENTITLEMENT_DENIED',
    ]);
    assert.deepEqual(row({ kind: 'DEEP_FIX' }), [
      'ENTITLEMENT_DENIED',
      'ENTITLEMENT_DENIED',
      'OK',
      'OK',
      'OK',
    ]);
    assert.deepEqual(row({ kind: 'ADD_ON' }), [
      'ENTITLEMENT_DENIED',
      'ENTITLEMENT_DENIED',
      'OK',
      'OK',
      'OK',
    ]);
  });

  void it('the thrown 403 is a valid §12 envelope with a denial_reason', () => {
    assert.throws(
      () =>
        requireEntitlement({ tier: 'PLUS' }, { kind: 'EXECUTION_MODE', mode: 'REMOTE_SANDBOX' }),
      (err: unknown) => {
        assert.ok(err instanceof ApiError);
        assert.equal(err.response.status, 403);
        const body = errorEnvelopeSchema.parse(err.response.body);
        assert.equal(body.error_code, 'ENTITLEMENT_DENIED');
        assert.equal(body.denial_reason, 'EXECUTION_ENVIRONMENT_NOT_ENTITLED');
        return true;
      },
    );
    assert.doesNotThrow(() =>
      requireEntitlement({ tier: 'PRO' }, { kind: 'EXECUTION_MODE', mode: 'REMOTE_SANDBOX' }),
    );
  });
});

void describe('snapshotEntitlement (DB_SCHEMA §20 invariant 10, §14 entitlement_snapshots)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  const job = async (ownerId: string, mode: ExecutionMode) =>
    (
      await t.scratch.db
        .insertInto('refactor_jobs')
        .values({ owner_id: ownerId, execution_mode: mode, target_paths: ['src/a.ts'] })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;

  void it('records the entitlements in force at start and never changes them afterwards', async () => {
    const u = await createTestUser(t.scratch.db, { tier: 'PRO' });
    const jobId = await job(u.userId, 'REMOTE_SANDBOX');
    const snap = await snapshotEntitlement(t.scratch.db, jobId);
    assert.deepEqual(
      {
        tier: snap.tier,
        mode: snap.operating_mode,
        exec: snap.execution_mode,
        gh: snap.web_github_enabled,
        cap: snap.context_cap,
        user: snap.user_id,
      },
      {
        tier: 'PRO',
        mode: 'PROFESSIONAL',
        exec: 'REMOTE_SANDBOX',
        gh: true,
        cap: 200000,
        user: u.userId,
      },
    );
    assert.deepEqual(snap.phase_limits, {
      phase_1_limit: { type: 'monthly', limit: 650 },
      phase_2_limit: { type: 'monthly', limit: 650 },
      phase_3_limit: { type: 'monthly', limit: 0 },
    });
    await t.scratch.db
      .updateTable('subscription_tiers')
      .set({ tier: 'FREE', updated_at: new Date() })
      .where('user_id', '=', u.userId)
      .execute();
    const again = await snapshotEntitlement(t.scratch.db, jobId);
    assert.equal(again.id, snap.id);
    assert.equal(again.tier, 'PRO');
  });

  void it('concurrent calls for one job write exactly one row', async () => {
    const u = await createTestUser(t.scratch.db, { tier: 'MAX' });
    const jobId = await job(u.userId, 'LOCAL_NATIVE');
    const snaps = await Promise.all(
      Array.from({ length: 8 }, () => snapshotEntitlement(t.scratch.db, jobId)),
    );
    assert.equal(new Set(snaps.map((s) => s.id)).size, 1);
    const rows = await t.scratch.db
      .selectFrom('entitlement_snapshots')
      .select('id')
      .where('job_id', '=', jobId)
      .execute();
    assert.equal(rows.length, 1);
  });

  void it('a job whose execution mode the tier lacks is refused and leaves no snapshot; an unknown job is JOB_NOT_FOUND', async () => {
    const u = await createTestUser(t.scratch.db, { tier: 'FREE' });
    const jobId = await job(u.userId, 'REMOTE_SANDBOX');
    await assert.rejects(
      snapshotEntitlement(t.scratch.db, jobId),
      (err: unknown) =>
        err instanceof ApiError &&
        err.response.body.denial_reason === 'EXECUTION_ENVIRONMENT_NOT_ENTITLED',
    );
    const rows = await t.scratch.db
      .selectFrom('entitlement_snapshots')
      .select('id')
      .where('job_id', '=', jobId)
      .execute();
    assert.equal(rows.length, 0);
    await assert.rejects(
      snapshotEntitlement(t.scratch.db, randomUUID()),
      (err: unknown) => err instanceof ApiError && err.response.body.error_code === 'JOB_NOT_FOUND',
    );
  });
});
