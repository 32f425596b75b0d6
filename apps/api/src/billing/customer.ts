/**
 * @module The user's gateway customer: created once (Stripe idempotency key per user) and kept on
 * the entitlement row's `external_customer_id` (DB_SCHEMA §2 `subscription_tiers`).
 */
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';
import { currentSubscription, lockUserQuota, writeSubscriptionTier } from '../quota';
import type { BillingContext } from './config';

export async function ensureCustomer(
  db: Kysely<Database>,
  ctx: BillingContext,
  user: { userId: string; email: string },
): Promise<string> {
  const sub = await currentSubscription(db, user.userId);
  if (sub.externalCustomerId) return sub.externalCustomerId;
  const customer = await ctx.stripe.customers.create(
    { email: user.email, metadata: { iama_user_id: user.userId } },
    { idempotencyKey: `iama-customer-${user.userId}` },
  );
  await db.transaction().execute(async (trx) => {
    await lockUserQuota(trx, user.userId);
    const now = await currentSubscription(trx, user.userId);
    if (now.externalCustomerId) return;
    await writeSubscriptionTier(trx, user.userId, {
      tier: now.tier,
      status: now.status,
      cycleStart: now.cycleStart,
      cycleEnd: now.cycleEnd,
      externalCustomerId: customer.id,
    });
  });
  return (await currentSubscription(db, user.userId)).externalCustomerId ?? customer.id;
}
