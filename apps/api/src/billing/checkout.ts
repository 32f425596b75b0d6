/**
 * @module Checkout sessions (API_CONTRACT §5 `POST /billing/checkout`, V1-FR-PAY-005) and the
 * add-on checkout addition (docs/api/ADDITIONS.md; V1-FR-SUB-004/005, PRD V1 §9.10). Nothing is
 * granted here: the signed webhook grants tiers and add-ons when the gateway confirms payment.
 */
import type { Kysely } from 'kysely';
import { TIERS, type Tier } from '@iama/contracts';
import type { Database } from '@iama/db';
import { ApiError } from '../errors';
import { addOnOffer, currentSubscription, cycleUsage, gatedTier } from '../quota';
import type { BillingContext, PaidTier } from './config';
import { ensureCustomer } from './customer';

type User = { userId: string; email: string };

export async function createTierCheckout(
  db: Kysely<Database>,
  ctx: BillingContext,
  user: User,
  target: PaidTier,
): Promise<string> {
  const sub = await currentSubscription(db, user.userId);
  const current = gatedTier(sub.tier, sub.status);
  if (TIERS.indexOf(target) <= TIERS.indexOf(current)) {
    throw new ApiError(
      'VALIDATION_FAILED',
      `target_tier must be above the current tier (${current})`,
      { field: 'target_tier', current_tier: current },
    );
  }
  const price = ctx.options.tierPrices[target];
  if (!price)
    throw new ApiError('VALIDATION_FAILED', `${target} is not sold self-serve; contact sales`, {
      field: 'target_tier',
      action: 'CONTACT_SALES',
    });
  const customer = await ensureCustomer(db, ctx, user);
  const metadata = { iama_user_id: user.userId, iama_tier: target };
  const session = await ctx.stripe.checkout.sessions.create({
    mode: 'subscription',
    customer,
    client_reference_id: user.userId,
    line_items: [{ price, quantity: 1 }],
    metadata,
    subscription_data: { metadata },
    success_url: `${ctx.options.returnUrl}?checkout=success`,
    cancel_url: `${ctx.options.returnUrl}?checkout=cancelled`,
  });
  if (!session.url) throw new Error('gateway returned a checkout session without url');
  return session.url;
}

/** Pro and Max only; Plus is told to upgrade (V1-FR-SUB-005); one add-on per cycle. */
export async function createAddOnCheckout(
  db: Kysely<Database>,
  ctx: BillingContext,
  user: User,
  percent: 25 | 50,
): Promise<string> {
  const sub = await currentSubscription(db, user.userId);
  const tier: Tier = gatedTier(sub.tier, sub.status);
  const offer = addOnOffer(tier);
  if (!offer.available) {
    throw new ApiError(
      'ENTITLEMENT_DENIED',
      `Add-ons are not available on ${tier}`,
      { action: offer.action, tier },
      { denial_reason: 'ADD_ON_NOT_AVAILABLE' },
    );
  }
  const usage = await cycleUsage(db, user.userId, { start: sub.cycleStart, end: sub.cycleEnd });
  if (usage.addOnPercent !== 0) {
    throw new ApiError(
      'ENTITLEMENT_DENIED',
      'An add-on is already active for this billing cycle',
      { active_percent: usage.addOnPercent, cycle_end: sub.cycleEnd.toISOString() },
      { denial_reason: 'ADD_ON_ALREADY_ACTIVE' },
    );
  }
  const price = ctx.options.addOnPrices[percent];
  if (!price)
    throw new ApiError(
      'ENTITLEMENT_DENIED',
      `The +${percent}% add-on is not on sale`,
      { action: 'CONTACT_SALES', tier },
      { denial_reason: 'ADD_ON_NOT_AVAILABLE' },
    );
  const customer = await ensureCustomer(db, ctx, user);
  const session = await ctx.stripe.checkout.sessions.create({
    mode: 'payment',
    customer,
    client_reference_id: user.userId,
    line_items: [{ price, quantity: 1 }],
    metadata: {
      iama_user_id: user.userId,
      iama_add_on_percent: String(percent),
      iama_cycle_start: sub.cycleStart.toISOString(),
    },
    success_url: `${ctx.options.returnUrl}?add_on=success`,
    cancel_url: `${ctx.options.returnUrl}?add_on=cancelled`,
  });
  if (!session.url) throw new Error('gateway returned a checkout session without url');
  return session.url;
}
