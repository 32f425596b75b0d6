/**
 * @module Billing routes (API_CONTRACT §5; V1-FR-PAY-001..005, V1-FR-SUB-001) and the add-on
 * checkout addition. Registered only when billing is configured (`AppDeps.billing`).
 */
import type { FastifyPluginAsync } from 'fastify';
import { addOnCheckoutRequestSchema, checkoutRequestSchema } from '@iama/contracts';
import type { AppDeps } from '../../app';
import { createAddOnCheckout, createTierCheckout } from '../../billing/checkout';
import { createStripeClient, type BillingContext } from '../../billing/config';
import { billingPlan } from '../../billing/plan';
import { usageReport } from '../../billing/usage-report';
import { parsePart } from '../../jobs/request';
import { requireUser } from '../../plugins/auth';
import { paymentWebhookRoute } from './webhook';

export const billingRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  if (!deps.billing) return;
  const ctx: BillingContext = { stripe: createStripeClient(deps.billing), options: deps.billing };
  const { db } = deps;

  app.get('/api/v1/billing/plan', async (req) => billingPlan(db, ctx, requireUser(req)));

  app.post('/api/v1/billing/checkout', async (req) => {
    const user = requireUser(req);
    const body = parsePart('billing.checkout', 'body', checkoutRequestSchema, req.body);
    return { checkout_url: await createTierCheckout(db, ctx, user, body.target_tier) };
  });

  app.post('/api/v1/billing/add-on', async (req) => {
    const user = requireUser(req);
    const body = parsePart('billing.addOnCheckout', 'body', addOnCheckoutRequestSchema, req.body);
    return { checkout_url: await createAddOnCheckout(db, ctx, user, body.add_on_percent) };
  });

  app.get('/api/v1/billing/usage-report', async (req) => usageReport(db, requireUser(req).userId));

  await paymentWebhookRoute(app, db, ctx);
};
