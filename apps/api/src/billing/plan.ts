/**
 * @module `GET /api/v1/billing/plan` (API_CONTRACT §5; V1-FR-SUB-001, V1-FR-PAY-005): the current
 * tier and cycle from `subscription_tiers`, the upgrade path with the gateway's monthly prices,
 * and a customer-portal link (invoices, card, cancellation).
 */
import type { Kysely } from 'kysely';
import { TIERS, type BillingPlanResponse } from '@iama/contracts';
import type { Database } from '@iama/db';
import { currentSubscription } from '../quota';
import type { BillingContext, PaidTier } from './config';
import { ensureCustomer } from './customer';

/** Tiers above `tier` that the gateway sells, cheapest first (V1-FR-SUB-001 "upgrade path"). */
export async function upgradeOptions(
  ctx: BillingContext,
  tier: string,
): Promise<BillingPlanResponse['upgrade_options']> {
  const above = TIERS.slice(TIERS.indexOf(tier as PaidTier) + 1) as PaidTier[];
  const priced = above.filter((t) => ctx.options.tierPrices[t]);
  const prices = await Promise.all(
    priced.map((t) => ctx.stripe.prices.retrieve(ctx.options.tierPrices[t]!)),
  );
  return priced.map((t, i) => ({ tier: t, price_monthly: (prices[i]!.unit_amount ?? 0) / 100 }));
}

export async function billingPlan(
  db: Kysely<Database>,
  ctx: BillingContext,
  user: { userId: string; email: string },
): Promise<BillingPlanResponse> {
  const customer = await ensureCustomer(db, ctx, user);
  const sub = await currentSubscription(db, user.userId);
  const [options, portal] = await Promise.all([
    upgradeOptions(ctx, sub.tier),
    ctx.stripe.billingPortal.sessions.create({ customer, return_url: ctx.options.returnUrl }),
  ]);
  return {
    current_tier: sub.tier,
    billing_cycle_start: sub.cycleStart.toISOString(),
    billing_cycle_end: sub.cycleEnd.toISOString(),
    next_billing_date: sub.cycleEnd.toISOString(),
    upgrade_options: options,
    portal_url: portal.url,
  };
}
