/**
 * @module Billing settings (V1-FR-PAY-001, ADR: Stripe is the V1 gateway per the implementation
 * plan) and the one Stripe SDK client built from them. Prices are Stripe Price ids per tier and
 * add-on: the spec names no amounts, the gateway holds them. `apiBase` points the official SDK at
 * another host (the local fake in tests, `tools/stripe-fake`).
 */
import Stripe from 'stripe';
import type { Tier } from '@iama/contracts';

export type PaidTier = Exclude<Tier, 'FREE'>;

export type BillingOptions = {
  secretKey: string;
  webhookSecret: string;
  /** e.g. `http://127.0.0.1:12111`; default the real API. */
  apiBase?: string;
  /** Recurring Price id per tier; a tier without one is not sold self-serve (Enterprise: contract). */
  tierPrices: Partial<Record<PaidTier, string>>;
  /** One-off Price id per add-on size (V1-FR-SUB-004). */
  addOnPrices: Partial<Record<25 | 50, string>>;
  /** Where Checkout and the portal send the user back (web portal). */
  returnUrl: string;
  /** Billing meter event name for metered overage (V1-FR-PAY-004). */
  overageMeterEvent: string;
  /** Webhook timestamp tolerance in seconds (Stripe default 300). */
  toleranceSeconds?: number;
};

/** Reads `STRIPE_*` variables; `undefined` when no secret key is set (billing routes stay off). */
export function loadBillingOptions(
  env: NodeJS.ProcessEnv = process.env,
): BillingOptions | undefined {
  if (!env.STRIPE_SECRET_KEY) return undefined;
  if (!env.STRIPE_WEBHOOK_SECRET)
    throw new Error('api: STRIPE_WEBHOOK_SECRET is required when STRIPE_SECRET_KEY is set');
  const price = (name: string) => env[`STRIPE_PRICE_${name}`] || undefined;
  return {
    secretKey: env.STRIPE_SECRET_KEY,
    webhookSecret: env.STRIPE_WEBHOOK_SECRET,
    apiBase: env.STRIPE_API_BASE || undefined,
    tierPrices: {
      PLUS: price('PLUS'),
      PRO: price('PRO'),
      MAX: price('MAX'),
      ENTERPRISE: price('ENTERPRISE'),
    },
    addOnPrices: { 25: price('ADD_ON_25'), 50: price('ADD_ON_50') },
    returnUrl: env.IAMA_WEB_URL ?? 'http://127.0.0.1:3000/billing',
    overageMeterEvent: env.STRIPE_OVERAGE_METER_EVENT ?? 'iama_overage_credits',
  };
}

/** The SDK client, pointed at `apiBase` when given; no automatic retries (callers decide). */
export function createStripeClient(opts: BillingOptions): Stripe {
  const base = opts.apiBase ? new URL(opts.apiBase) : undefined;
  return new Stripe(opts.secretKey, {
    maxNetworkRetries: 1,
    timeout: 10_000,
    ...(base
      ? {
          host: base.hostname,
          port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
          protocol: base.protocol === 'https:' ? 'https' : 'http',
        }
      : {}),
  });
}

export type BillingContext = { stripe: Stripe; options: BillingOptions };
