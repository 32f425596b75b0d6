/**
 * The Stripe fake answers the official SDK the way the real API does for the calls IAMA makes,
 * including its failures (issue #5; V1-FR-PAY-001/004/005).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { decodeForm, startStripeFake, type StripeFake } from '../src';

let fake: StripeFake;
let stripe: Stripe;

void describe('stripe fake', () => {
  before(async () => {
    fake = await startStripeFake({ prices: [{ id: 'price_fake_pro', unitAmount: 4900 }] });
    stripe = new Stripe('sk_test_fake', {
      host: fake.host,
      port: fake.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
  });
  after(() => fake.close());

  void it('decodes the SDK form encoding into nested objects', () => {
    assert.deepEqual(decodeForm('a[b]=1&c[0][d]=2&c[1][d]=3&e=x%20y'), {
      a: { b: '1' },
      c: [{ d: '2' }, { d: '3' }],
      e: 'x y',
    });
  });

  void it('creates customers, checkout and portal sessions, prices and meter events through the SDK', async () => {
    const customer = await stripe.customers.create({
      email: 'a@example.test',
      metadata: { iama_user_id: 'u1' },
    });
    assert.match(customer.id, /^cus_fake/);
    const price = await stripe.prices.retrieve('price_fake_pro');
    assert.equal(price.unit_amount, 4900);
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price: 'price_fake_pro', quantity: 1 }],
      success_url: 'http://x/ok',
    });
    assert.match(session.url ?? '', /\/checkout\/cs_fake/);
    const portal = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      return_url: 'http://x',
    });
    assert.match(portal.url, /\/portal\/bps_fake/);
    const meter = await stripe.billing.meterEvents.create({
      event_name: 'iama_overage_credits',
      payload: { stripe_customer_id: customer.id, value: '3' },
    });
    assert.equal(meter.event_name, 'iama_overage_credits');
    assert.deepEqual(fake.requests.at(-1)!.body.payload, {
      stripe_customer_id: customer.id,
      value: '3',
    });
  });

  void it('replays idempotent requests and refuses unknown objects and bad keys like the real API', async () => {
    const a = await stripe.customers.create({ email: 'b@example.test' }, { idempotencyKey: 'k1' });
    const b = await stripe.customers.create({ email: 'b@example.test' }, { idempotencyKey: 'k1' });
    assert.equal(a.id, b.id);
    await assert.rejects(
      stripe.prices.retrieve('price_missing'),
      (err: unknown) => err instanceof Stripe.errors.StripeInvalidRequestError,
    );
    await assert.rejects(
      stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price: 'price_missing', quantity: 1 }],
        success_url: 'http://x',
      }),
      (err: unknown) => err instanceof Stripe.errors.StripeInvalidRequestError,
    );
    await assert.rejects(
      stripe.billingPortal.sessions.create({ customer: 'cus_missing' }),
      (err: unknown) => err instanceof Stripe.errors.StripeInvalidRequestError,
    );
    const bad = new Stripe('rk_live_nope', {
      host: fake.host,
      port: fake.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
    await assert.rejects(
      bad.customers.create({}),
      (err: unknown) => err instanceof Stripe.errors.StripeAuthenticationError,
    );
  });
});
