/**
 * @module Billing endpoints (API_CONTRACT §5; V1-FR-PAY-001..005, V1-FR-SUB-001). The payment
 * webhook body is the gateway's own event (Stripe, implementation plan phase 2), so only the
 * fields idempotency needs are required (§13 invariant 1); the rest passes through untouched.
 */
import { z } from 'zod';
import { TIERS } from '../tiers/tier';
import { isoDateTime, tierSchema } from './common';
import { defineEndpoint } from './endpoint';

export const billingPlanResponseSchema = z.strictObject({
  current_tier: tierSchema,
  billing_cycle_start: isoDateTime(),
  billing_cycle_end: isoDateTime(),
  next_billing_date: isoDateTime(),
  upgrade_options: z.array(
    z.strictObject({ tier: tierSchema, price_monthly: z.number().nonnegative() }),
  ),
  portal_url: z.string().min(1),
});
export type BillingPlanResponse = z.infer<typeof billingPlanResponseSchema>;

export const checkoutRequestSchema = z.strictObject({
  target_tier: z.enum(TIERS.filter((t) => t !== 'FREE') as ['PLUS', 'PRO', 'MAX', 'ENTERPRISE']),
});
export type CheckoutRequest = z.infer<typeof checkoutRequestSchema>;
export const checkoutResponseSchema = z.strictObject({ checkout_url: z.string().min(1) });
export type CheckoutResponse = z.infer<typeof checkoutResponseSchema>;

/** The lifecycle events §5 handles, gateway-neutral; the API maps gateway event types onto them. */
export const PAYMENT_WEBHOOK_EVENTS = [
  'payment_succeeded',
  'payment_failed',
  'subscription_cancelled',
  'subscription_renewed',
] as const;
export type PaymentWebhookEvent = (typeof PAYMENT_WEBHOOK_EVENTS)[number];

/** `id` is what `payment_subscriptions.last_webhook_event_id` is compared with (§5). */
export const paymentWebhookBodySchema = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
});
export type PaymentWebhookBody = z.infer<typeof paymentWebhookBodySchema>;

/** Addition (docs/api/ADDITIONS.md; V1-FR-SUB-003/004, PRD V1 §9.10): add-on checkout, Pro and Max only. */
export const addOnCheckoutRequestSchema = z.strictObject({
  add_on_percent: z.union([z.literal(25), z.literal(50)]),
});
export type AddOnCheckoutRequest = z.infer<typeof addOnCheckoutRequestSchema>;

export const usageReportResponseSchema = z.strictObject({
  period_start: isoDateTime(),
  period_end: isoDateTime(),
  phase_2_overage: z.number().nonnegative(),
  phase_3_overage: z.number().nonnegative(),
  sandbox_seconds_overage: z.number().nonnegative(),
  estimated_overage_cost: z.number().nonnegative(),
});
export type UsageReportResponse = z.infer<typeof usageReportResponseSchema>;

export const billingEndpoints = [
  defineEndpoint({
    id: 'billing.plan',
    method: 'GET',
    path: '/api/v1/billing/plan',
    auth: 'user',
    summary: 'Current plan and upgrade paths',
    source: 'API_CONTRACT §5',
    requirementIds: ['V1-FR-SUB-001', 'V1-FR-PAY-005'],
    request: {},
    responses: { 200: billingPlanResponseSchema },
  }),
  defineEndpoint({
    id: 'billing.checkout',
    method: 'POST',
    path: '/api/v1/billing/checkout',
    auth: 'user',
    summary: 'Checkout session for an upgrade',
    source: 'API_CONTRACT §5',
    requirementIds: ['V1-FR-PAY-005', 'V1-FR-PAY-001'],
    request: { body: checkoutRequestSchema },
    responses: { 200: checkoutResponseSchema },
  }),
  defineEndpoint({
    id: 'billing.addOnCheckout',
    method: 'POST',
    path: '/api/v1/billing/add-on',
    auth: 'user',
    summary: 'Checkout session for a +25% / +50% add-on (Pro and Max)',
    source: 'ADDITIONS.md',
    requirementIds: ['V1-FR-SUB-004', 'V1-FR-SUB-005', 'V1-FR-BIL-003'],
    request: { body: addOnCheckoutRequestSchema },
    responses: { 200: checkoutResponseSchema },
    errors: ['ENTITLEMENT_DENIED'],
  }),
  defineEndpoint({
    id: 'billing.paymentWebhook',
    method: 'POST',
    path: '/api/v1/webhooks/payment',
    auth: 'webhook',
    summary: 'Payment gateway webhook (idempotent)',
    source: 'API_CONTRACT §5',
    requirementIds: ['V1-FR-PAY-001', 'V1-FR-PAY-002', 'V1-FR-PAY-003'],
    request: { body: paymentWebhookBodySchema },
    responses: { 200: null },
  }),
  defineEndpoint({
    id: 'billing.usageReport',
    method: 'GET',
    path: '/api/v1/billing/usage-report',
    auth: 'user',
    summary: 'Metered overage report',
    source: 'API_CONTRACT §5',
    requirementIds: ['V1-FR-PAY-004'],
    request: {},
    responses: { 200: usageReportResponseSchema },
  }),
];
