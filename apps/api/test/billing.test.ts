/**
 * Billing over HTTP with the official Stripe SDK pointed at the local Stripe fake
 * (tools/stripe-fake), webhooks signed with the SDK's test-header helper, real PostgreSQL
 * (issue #5; API_CONTRACT §3, §5, §13 invariant 1; V1-FR-PAY-001..005, V1-FR-SUB-001/003/004/005,
 * DB_SCHEMA invariants 16-17, AGENT.md resolution 10).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import type { Tier } from '@iama/contracts';
import { startStripeFake, type StripeFake } from '@iama/stripe-fake';
import type { BillingOptions } from '../src/billing/config';
import { quotaState, reserveQuota } from '../src/quota';
import { createTestUser, type TestUser } from './support/auth';
import { createTestApp, type TestApp } from './support/db';

const WEBHOOK_SECRET = 'whsec_test_iama';
// Fake prices, labelled as such: the spec names no amounts; the gateway holds them.
const PRICES = [
  { id: 'price_fake_plus', unitAmount: 1900 },
  { id: 'price_fake_pro', unitAmount: 4900 },
  { id: 'price_fake_max', unitAmount: 9900 },
  { id: 'price_fake_add_on_25', unitAmount: 1500, recurring: false },
  { id: 'price_fake_add_on_50', unitAmount: 2900, recurring: false },
];

let fake: StripeFake;
let t: TestApp;
const signer = new Stripe('sk_test_signer');

function billingOptions(apiBase: string): BillingOptions {
  return {
    secretKey: 'sk_test_iama',
    webhookSecret: WEBHOOK_SECRET,
    apiBase,
    tierPrices: { PLUS: 'price_fake_plus', PRO: 'price_fake_pro', MAX: 'price_fake_max' },
    addOnPrices: { 25: 'price_fake_add_on_25', 50: 'price_fake_add_on_50' },
    returnUrl: 'http://127.0.0.1:3000/billing',
    overageMeterEvent: 'iama_overage_credits',
  };
}

type EventInput = { id?: string; type: string; object: Record<string, unknown>; created?: number };

function eventPayload(e: EventInput): { id: string; payload: string } {
  const id = e.id ?? `evt_${randomUUID().replaceAll('-', '')}`;
  const payload = JSON.stringify({
    id,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: e.created ?? Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: e.type,
    data: { object: e.object },
  });
  return { id, payload };
}

async function deliver(
  payload: string,
  signature = signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/webhooks/payment',
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
    payload,
  });
}

async function send(e: EventInput) {
  const { id, payload } = eventPayload(e);
  const res = await deliver(payload);
  assert.equal(res.statusCode, 200, res.body);
  return id;
}

async function tierRow(userId: string) {
  return t.scratch.db
    .selectFrom('subscription_tiers')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('updated_at', 'desc')
    .executeTakeFirstOrThrow();
}

async function counts() {
  const db = t.scratch.db;
  const n = async (table: 'audit_events' | 'payment_subscriptions' | 'usage_ledger') =>
    Number(
      (await db.selectFrom(table).select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n,
    );
  const tiers = await db
    .selectFrom('subscription_tiers')
    .select(['id', 'tier', 'status', 'updated_at'])
    .orderBy('id')
    .execute();
  return {
    audit: await n('audit_events'),
    mirror: await n('payment_subscriptions'),
    ledger: await n('usage_ledger'),
    tiers: JSON.stringify(tiers),
  };
}

/** A user who completed Checkout for `tier`: mirror and entitlement written by the webhook. */
async function subscribed(
  tier: Tier,
): Promise<{ user: TestUser; subscriptionId: string; customerId: string }> {
  const user = await createTestUser(t.scratch.db);
  const subscriptionId = `sub_fake${randomUUID().slice(0, 8)}`;
  const customerId = `cus_fake${randomUUID().slice(0, 8)}`;
  await send({
    type: 'checkout.session.completed',
    object: {
      id: `cs_${randomUUID()}`,
      object: 'checkout.session',
      mode: 'subscription',
      customer: customerId,
      subscription: subscriptionId,
      payment_status: 'paid',
      metadata: { iama_user_id: user.userId, iama_tier: tier },
    },
  });
  return { user, subscriptionId, customerId };
}

const unix = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);
function invoice(
  subscriptionId: string,
  customerId: string,
  period: { start: string; end: string },
  billingReason: string,
) {
  return {
    id: `in_${randomUUID()}`,
    object: 'invoice',
    customer: customerId,
    billing_reason: billingReason,
    parent: {
      type: 'subscription_details',
      subscription_details: { subscription: subscriptionId, metadata: {} },
    },
    lines: {
      object: 'list',
      data: [{ id: 'il_1', period: { start: unix(period.start), end: unix(period.end) } }],
    },
  };
}

void describe('billing with Stripe (API_CONTRACT §5)', () => {
  before(async () => {
    fake = await startStripeFake({ prices: PRICES });
    t = await createTestApp({ billing: billingOptions(fake.url) });
  });
  after(async () => {
    await t.close();
    await fake.close();
  });

  void it('V1-FR-SUB-001 / V1-FR-PAY-005: the plan shows tier, cycle, upgrade path with gateway prices and a portal link; one customer per user', async () => {
    const user = await createTestUser(t.scratch.db, { tier: 'PLUS' });
    const first = await t.app.inject({
      method: 'GET',
      url: '/api/v1/billing/plan',
      headers: user.headers,
    });
    assert.equal(first.statusCode, 200, first.body);
    const plan = first.json<{
      current_tier: string;
      upgrade_options: { tier: string; price_monthly: number }[];
      portal_url: string;
      next_billing_date: string;
      billing_cycle_end: string;
    }>();
    assert.equal(plan.current_tier, 'PLUS');
    assert.deepEqual(plan.upgrade_options, [
      { tier: 'PRO', price_monthly: 49 },
      { tier: 'MAX', price_monthly: 99 },
    ]);
    assert.match(plan.portal_url, /^http:\/\/127\.0\.0\.1:\d+\/portal\/bps_/);
    assert.equal(plan.next_billing_date, plan.billing_cycle_end);
    const second = await t.app.inject({
      method: 'GET',
      url: '/api/v1/billing/plan',
      headers: user.headers,
    });
    assert.equal(second.statusCode, 200);
    const customers = fake.requests.filter(
      (r) =>
        r.path === '/v1/customers' &&
        (r.body.metadata as Record<string, string>)?.iama_user_id === user.userId,
    );
    assert.equal(customers.length, 1, 'the second call reuses the stored customer');
    assert.match((await tierRow(user.userId)).external_customer_id ?? '', /^cus_fake/);
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/billing/plan' });
    assert.equal(anonymous.statusCode, 401);
  });

  void it('V1-FR-PAY-005: checkout creates a subscription session for a higher tier and refuses anything else', async () => {
    const user = await createTestUser(t.scratch.db, { tier: 'PLUS' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/billing/checkout',
      headers: user.headers,
      payload: { target_tier: 'MAX' },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.json<{ checkout_url: string }>().checkout_url, /\/checkout\/cs_/);
    const sent = fake.requests.filter((r) => r.path === '/v1/checkout/sessions').at(-1)!;
    assert.equal(sent.body.mode, 'subscription');
    assert.deepEqual(sent.body.metadata, { iama_user_id: user.userId, iama_tier: 'MAX' });
    assert.deepEqual(sent.body.line_items, [{ price: 'price_fake_max', quantity: '1' }]);

    for (const [target, status] of [
      ['PLUS', 400],
      ['FREE', 400],
      ['ENTERPRISE', 400],
    ] as const) {
      const bad = await t.app.inject({
        method: 'POST',
        url: '/api/v1/billing/checkout',
        headers: user.headers,
        payload: { target_tier: target },
      });
      assert.equal(bad.statusCode, status, target);
      assert.equal(bad.json<{ error_code: string }>().error_code, 'VALIDATION_FAILED');
    }
  });

  void it('V1-FR-SUB-005: Plus cannot buy an add-on and is sent to Pro; Pro can, once per cycle, granted by the webhook', async () => {
    const plus = await createTestUser(t.scratch.db, { tier: 'PLUS' });
    const denied = await t.app.inject({
      method: 'POST',
      url: '/api/v1/billing/add-on',
      headers: plus.headers,
      payload: { add_on_percent: 25 },
    });
    assert.equal(denied.statusCode, 403);
    const body = denied.json<{
      error_code: string;
      denial_reason: string;
      detail: { action: string };
    }>();
    assert.equal(body.error_code, 'ENTITLEMENT_DENIED');
    assert.equal(body.denial_reason, 'ADD_ON_NOT_AVAILABLE');
    assert.equal(body.detail.action, 'UPGRADE_TO_PRO');
    const badSize = await t.app.inject({
      method: 'POST',
      url: '/api/v1/billing/add-on',
      headers: plus.headers,
      payload: { add_on_percent: 30 },
    });
    assert.equal(badSize.statusCode, 400);

    const pro = await createTestUser(t.scratch.db, { tier: 'PRO' });
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/billing/add-on',
      headers: pro.headers,
      payload: { add_on_percent: 50 },
    });
    assert.equal(ok.statusCode, 200, ok.body);
    const session = fake.requests.filter((r) => r.path === '/v1/checkout/sessions').at(-1)!;
    assert.equal(session.body.mode, 'payment');
    const metadata = session.body.metadata as Record<string, string>;
    assert.equal(metadata.iama_add_on_percent, '50');

    await send({
      type: 'checkout.session.completed',
      object: {
        id: 'cs_addon',
        object: 'checkout.session',
        mode: 'payment',
        payment_status: 'paid',
        customer: 'cus_x',
        metadata,
      },
    });
    const state = await quotaState(t.scratch.db, pro.userId, new Date());
    assert.equal(state.usage.addOnPercent, 50);
    assert.equal(state.limits.dailyJobLimit, 30);
    assert.equal(state.limits.monthlyMilli, 975_000);
    const summary = await t.app.inject({
      method: 'GET',
      url: '/api/v1/usage/summary',
      headers: pro.headers,
    });
    assert.equal(
      summary.json<{ display: { add_on: { active_percent: number } } }>().display.add_on
        .active_percent,
      50,
    );

    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/billing/add-on',
      headers: pro.headers,
      payload: { add_on_percent: 25 },
    });
    assert.equal(again.statusCode, 403);
    assert.equal(again.json<{ denial_reason: string }>().denial_reason, 'ADD_ON_ALREADY_ACTIVE');
  });

  void it('§5 webhook: a bad, missing or stale signature or a tampered body is refused and writes nothing', async () => {
    const user = await createTestUser(t.scratch.db);
    const before = await counts();
    const { payload } = eventPayload({
      type: 'checkout.session.completed',
      object: {
        mode: 'subscription',
        customer: 'cus_evil',
        subscription: 'sub_evil',
        metadata: { iama_user_id: user.userId, iama_tier: 'MAX' },
      },
    });
    const wrongSecret = signer.webhooks.generateTestHeaderString({
      payload,
      secret: 'whsec_wrong',
    });
    const stale = signer.webhooks.generateTestHeaderString({
      payload,
      secret: WEBHOOK_SECRET,
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    const good = signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    for (const [p, sig] of [
      [payload, wrongSecret],
      [payload, stale],
      [payload.replace('MAX', 'PRO'), good],
      [payload, 't=1,v1=deadbeef'],
    ] as const) {
      const res = await deliver(p, sig);
      assert.equal(res.statusCode, 401, res.body);
      assert.equal(res.json<{ error_code: string }>().error_code, 'INVALID_CREDENTIALS');
    }
    const missing = await t.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks/payment',
      headers: { 'content-type': 'application/json' },
      payload,
    });
    assert.equal(missing.statusCode, 401);
    const notJson = 'not json';
    const badBody = await deliver(
      notJson,
      signer.webhooks.generateTestHeaderString({ payload: notJson, secret: WEBHOOK_SECRET }),
    );
    assert.equal(badBody.statusCode, 400);
    assert.deepEqual(await counts(), before);
    assert.equal((await tierRow(user.userId)).tier, 'FREE');
  });

  void it('§13 invariant 1: one event delivered 100 times (40 of them at once) changes state once', async () => {
    const user = await createTestUser(t.scratch.db, { tier: 'PRO' });
    const sub = await t.scratch.db
      .selectFrom('subscription_tiers')
      .select(['billing_cycle_start'])
      .where('user_id', '=', user.userId)
      .executeTakeFirstOrThrow();
    const { payload, id } = eventPayload({
      type: 'checkout.session.completed',
      object: {
        id: 'cs_replay',
        object: 'checkout.session',
        mode: 'payment',
        payment_status: 'paid',
        customer: 'cus_r',
        metadata: {
          iama_user_id: user.userId,
          iama_add_on_percent: '25',
          iama_cycle_start: sub.billing_cycle_start.toISOString(),
        },
      },
    });
    const before = await counts();
    const concurrent = await Promise.all(Array.from({ length: 40 }, () => deliver(payload)));
    assert.ok(concurrent.every((r) => r.statusCode === 200));
    for (let i = 0; i < 60; i++) assert.equal((await deliver(payload)).statusCode, 200);
    const after = await counts();
    assert.equal(after.ledger - before.ledger, 1, 'one add-on ledger row');
    assert.equal(after.audit - before.audit, 2, 'one grant and one processed event');
    const processed = await t.scratch.db
      .selectFrom('audit_events')
      .select('id')
      .where('event_type', '=', 'billing.webhook_processed')
      .where('metadata', '@>', JSON.stringify({ gateway_event_id: id }))
      .execute();
    assert.equal(processed.length, 1);
  });

  void it('V1-FR-PAY-002/003: succeeded, renewed, failed and cancelled events mirror the gateway and sync the entitlement', async () => {
    const { user, subscriptionId, customerId } = await subscribed('PRO');
    let row = await tierRow(user.userId);
    assert.equal(row.tier, 'PRO');
    assert.equal(row.status, 'ACTIVE');
    assert.equal(row.context_cap, 200_000);
    assert.equal(row.operating_mode, 'PROFESSIONAL');
    assert.equal(row.external_subscription_id, subscriptionId);

    // payment_succeeded: the first invoice sets the gateway's period.
    await send({
      type: 'invoice.paid',
      object: invoice(
        subscriptionId,
        customerId,
        { start: '2026-05-03T00:00:00Z', end: '2026-06-03T00:00:00Z' },
        'subscription_create',
      ),
    });
    row = await tierRow(user.userId);
    assert.equal(row.billing_cycle_start.toISOString(), '2026-05-03T00:00:00.000Z');
    const mirror = await t.scratch.db
      .selectFrom('payment_subscriptions')
      .selectAll()
      .where('external_subscription_id', '=', subscriptionId)
      .executeTakeFirstOrThrow();
    assert.equal(mirror.status, 'active');
    assert.equal(mirror.current_period_end?.toISOString(), '2026-06-03T00:00:00.000Z');

    // subscription_renewed: the next period resets the quota window, with an audit record.
    const renewedId = await send({
      type: 'invoice.paid',
      object: invoice(
        subscriptionId,
        customerId,
        { start: '2026-06-03T00:00:00Z', end: '2026-07-03T00:00:00Z' },
        'subscription_cycle',
      ),
    });
    row = await tierRow(user.userId);
    assert.equal(row.billing_cycle_start.toISOString(), '2026-06-03T00:00:00.000Z');
    const refresh = await t.scratch.db
      .selectFrom('audit_events')
      .select(['old_state', 'new_state'])
      .where('event_type', '=', 'quota.cycle_refreshed')
      .where('metadata', '@>', JSON.stringify({ gateway_event_id: renewedId }))
      .executeTakeFirstOrThrow();
    assert.equal(refresh.new_state, '2026-06-03T00:00:00.000Z');
    assert.equal(
      (
        await t.scratch.db
          .selectFrom('payment_subscriptions')
          .select('last_webhook_event_id')
          .where('external_subscription_id', '=', subscriptionId)
          .executeTakeFirstOrThrow()
      ).last_webhook_event_id,
      renewedId,
    );

    // payment_failed: premium lock, the gate applies Free.
    await send({
      type: 'invoice.payment_failed',
      object: invoice(
        subscriptionId,
        customerId,
        { start: '2026-06-03T00:00:00Z', end: '2026-07-03T00:00:00Z' },
        'subscription_cycle',
      ),
    });
    row = await tierRow(user.userId);
    assert.equal(row.status, 'PAST_DUE');
    assert.equal(
      (await quotaState(t.scratch.db, user.userId, new Date('2026-06-10T00:00:00Z'))).tier,
      'FREE',
    );
    const summary = await t.app.inject({
      method: 'GET',
      url: '/api/v1/usage/summary',
      headers: user.headers,
    });
    assert.equal(summary.json<{ display: { tier: string } }>().display.tier, 'FREE');

    // A retried payment succeeds: premium again.
    await send({
      type: 'invoice.paid',
      object: invoice(
        subscriptionId,
        customerId,
        { start: '2026-06-03T00:00:00Z', end: '2026-07-03T00:00:00Z' },
        'subscription_cycle',
      ),
    });
    assert.equal((await tierRow(user.userId)).status, 'ACTIVE');

    // Upgrade through the portal: the subscription's price changes.
    await send({
      type: 'customer.subscription.updated',
      object: {
        id: subscriptionId,
        object: 'subscription',
        customer: customerId,
        status: 'active',
        metadata: {},
        items: { data: [{ price: { id: 'price_fake_max' } }] },
      },
    });
    row = await tierRow(user.userId);
    assert.equal(row.tier, 'MAX');
    assert.equal(row.context_cap, 200_000);

    // subscription_cancelled: downgrade to Free.
    await send({
      type: 'customer.subscription.deleted',
      object: {
        id: subscriptionId,
        object: 'subscription',
        customer: customerId,
        status: 'canceled',
        canceled_at: unix('2026-06-20T00:00:00Z'),
        metadata: {},
      },
    });
    row = await tierRow(user.userId);
    assert.equal(row.tier, 'FREE');
    assert.equal(row.status, 'CANCELLED');
    assert.equal(row.context_cap, 128_000);
    const cancelled = await t.scratch.db
      .selectFrom('payment_subscriptions')
      .selectAll()
      .where('external_subscription_id', '=', subscriptionId)
      .executeTakeFirstOrThrow();
    assert.equal(cancelled.status, 'canceled');
    assert.equal(cancelled.cancelled_at?.toISOString(), '2026-06-20T00:00:00.000Z');
  });

  void it('unknown subscriptions and unhandled event types are acknowledged without changing entitlements', async () => {
    const before = await counts();
    await send({
      type: 'invoice.paid',
      object: invoice(
        'sub_unknown',
        'cus_unknown',
        { start: '2026-05-03T00:00:00Z', end: '2026-06-03T00:00:00Z' },
        'subscription_cycle',
      ),
    });
    await send({ type: 'charge.refunded', object: { id: 'ch_1', object: 'charge' } });
    const after = await counts();
    assert.equal(after.tiers, before.tiers);
    assert.equal(after.mirror, before.mirror);
    assert.equal(after.audit - before.audit, 2, 'each delivery is recorded as processed');
  });

  void it('V1-FR-PAY-004: the usage report shows overage beyond the base allowance and the overage is metered once', async () => {
    const { user, subscriptionId, customerId } = await subscribed('PLUS');
    await send({
      type: 'invoice.paid',
      object: invoice(
        subscriptionId,
        customerId,
        {
          start: new Date(Date.now() - 86_400_000).toISOString(),
          end: new Date(Date.now() + 29 * 86_400_000).toISOString(),
        },
        'subscription_create',
      ),
    });
    const db = t.scratch.db;
    const spent = async (phase: number, credits: number) =>
      db
        .insertInto('usage_ledger')
        .values({
          user_id: user.userId,
          event_type: `phase_${phase}_call`,
          quantity: credits * 1000,
          idempotency_key: randomUUID(),
          recorded_at: new Date(Date.now() - 3_600_000),
        })
        .execute();
    await spent(1, 270);
    await spent(2, 30); // 20 C of it beyond the 280 C base
    await spent(2, 5);
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/billing/usage-report',
      headers: user.headers,
    });
    assert.equal(res.statusCode, 200, res.body);
    const report = res.json<{
      phase_2_overage: number;
      phase_3_overage: number;
      estimated_overage_cost: number;
      sandbox_seconds_overage: number;
    }>();
    assert.equal(report.phase_2_overage, 25);
    assert.equal(report.phase_3_overage, 0);
    assert.equal(report.estimated_overage_cost, 0.25);

    const meter = () =>
      fake.requests.filter(
        (r) =>
          r.path === '/v1/billing/meter_events' &&
          (r.body.payload as Record<string, string>).stripe_customer_id === customerId,
      );
    await send({ type: 'invoice.upcoming', object: { object: 'invoice', customer: customerId } });
    await send({ type: 'invoice.upcoming', object: { object: 'invoice', customer: customerId } });
    assert.equal(meter().length, 1);
    assert.equal((meter()[0]!.body.payload as Record<string, string>).value, '25');
    await spent(3, 0); // no new overage → nothing more to report
    await spent(2, 4);
    await send({ type: 'invoice.upcoming', object: { object: 'invoice', customer: customerId } });
    assert.deepEqual(
      meter().map((r) => (r.body.payload as Record<string, string>).value),
      ['25', '4'],
    );
  });

  void it('V1-FR-SUB-003: the usage summary over HTTP is the caller’s own, in percent with the proxy; 401 without a token', async () => {
    const user = await createTestUser(t.scratch.db, { tier: 'MAX' });
    const r = await reserveQuota(t.scratch.db, {
      userId: user.userId,
      jobId: randomUUID(),
      idempotencyKey: `s:${user.userId}`,
      now: new Date(),
    });
    assert.ok(r.ok);
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/usage/summary',
      headers: user.headers,
    });
    assert.equal(res.statusCode, 200, res.body);
    const s = res.json<{
      phase_1: { reset_type: string };
      display: {
        monthly: { used_percent: number; typical_refactors_remaining: number };
        daily: { jobs_started: number; job_limit: number };
      };
    }>();
    assert.equal(s.phase_1.reset_type, 'monthly');
    assert.equal(s.display.monthly.used_percent, 0);
    assert.equal(s.display.monthly.typical_refactors_remaining, 60);
    assert.deepEqual([s.display.daily.jobs_started, s.display.daily.job_limit], [1, 40]);
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/usage/summary' });
    assert.equal(anonymous.statusCode, 401);
  });
});
