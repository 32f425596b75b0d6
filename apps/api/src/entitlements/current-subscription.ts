/**
 * @module The user's current `subscription_tiers` row: the only authority for tier and
 * entitlement decisions (DB_SCHEMA §20 invariant 16, AGENT.md resolution 10). Never reads
 * `payment_subscriptions`.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, SubscriptionTiersTable } from '@iama/db';
import { isTier, TIER_MATRIX, type Tier } from '@iama/contracts';

export type SubscriptionRow = Selectable<SubscriptionTiersTable>;

/**
 * The tier a user is entitled to. A user has several rows over time (upgrades, renewals); the
 * most recently updated one is current. A user with no row is on Free (docs/api/auth-decisions.md).
 */
export function tierOf(row: Pick<SubscriptionRow, 'tier'> | null | undefined): Tier {
  return row && isTier(row.tier) ? row.tier : 'FREE';
}

/** The row written for a new account: Free, active, one calendar month from now. */
export function initialSubscription(userId: string, tier: Tier = 'FREE', now = new Date()) {
  const end = new Date(now);
  end.setUTCMonth(end.getUTCMonth() + 1);
  const e = TIER_MATRIX[tier];
  return {
    user_id: userId,
    tier,
    status: 'ACTIVE',
    context_cap: e.contextCap,
    operating_mode: e.operatingMode,
    billing_cycle_start: now,
    billing_cycle_end: end,
  };
}

/** Writes the Free row for a just-created user (inside the caller's transaction). */
export async function insertInitialSubscription(
  db: Kysely<Database>,
  userId: string,
  tier: Tier = 'FREE',
): Promise<void> {
  await db.insertInto('subscription_tiers').values(initialSubscription(userId, tier)).execute();
}
