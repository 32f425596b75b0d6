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

/** The row written for a new account: active, on the UTC calendar month of `now` (as the quota module assumes for a user without a row). */
export function initialSubscription(userId: string, tier: Tier = 'FREE', now = new Date()) {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  const e = TIER_MATRIX[tier];
  return {
    user_id: userId,
    tier,
    status: 'ACTIVE',
    context_cap: e.contextCap,
    operating_mode: e.operatingMode,
    billing_cycle_start: start,
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
