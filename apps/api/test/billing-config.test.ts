/**
 * Billing configuration from the environment (issue #5; V1-FR-PAY-001): off without a key,
 * refused without a webhook secret, the SDK pointed at another host by `STRIPE_API_BASE`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createStripeClient, loadBillingOptions } from '../src/billing/config';

void describe('billing configuration (V1-FR-PAY-001)', () => {
  void it('billing stays off without STRIPE_SECRET_KEY and refuses to start without a webhook secret', () => {
    assert.equal(loadBillingOptions({}), undefined);
    assert.throws(
      () => loadBillingOptions({ STRIPE_SECRET_KEY: 'sk_test_x' }),
      /STRIPE_WEBHOOK_SECRET/,
    );
  });

  void it('reads prices per tier and add-on and points the SDK at STRIPE_API_BASE', () => {
    const opts = loadBillingOptions({
      STRIPE_SECRET_KEY: 'sk_test_x',
      STRIPE_WEBHOOK_SECRET: 'whsec_x',
      STRIPE_API_BASE: 'http://127.0.0.1:12111',
      STRIPE_PRICE_PRO: 'price_pro',
      STRIPE_PRICE_ADD_ON_25: 'price_a25',
    })!;
    assert.deepEqual(opts.tierPrices, {
      PLUS: undefined,
      PRO: 'price_pro',
      MAX: undefined,
      ENTERPRISE: undefined,
    });
    assert.deepEqual(opts.addOnPrices, { 25: 'price_a25', 50: undefined });
    const stripe = createStripeClient(opts);
    assert.equal(stripe.getApiField('host'), '127.0.0.1');
    assert.equal(stripe.getApiField('port'), 12111);
    assert.equal(stripe.getApiField('protocol'), 'http');
  });
});
