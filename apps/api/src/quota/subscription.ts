/**
 * @module The user's current entitlement row (DB `subscription_tiers`, the only authority for
 * quota decisions: DB_SCHEMA invariant 16, AGENT.md resolution 10) and its writes.
 */
import type { Kysely } from 'kysely';
import { isTier, TIER_MATRIX, type Tier } from '@iama/contracts';
import type { Database } from '@iama/db';
import { addMonths, type SubscriptionStatus } from './quota-math';

export type CurrentSubscription = {
  /** `null` when the user has no row yet (treated as FREE on a calendar-month cycle). */
  id: string | null;
  userId: string;
  tier: Tier;
  status: SubscriptionStatus;
  cycleStart: Date;
  cycleEnd: Date;
  externalCustomerId: string | null;
  externalSubscriptionId: string | null;
};

const STATUSES: readonly SubscriptionStatus[] = ['ACTIVE', 'PAST_DUE', 'CANCELLED', 'TRIAL'];

/**
 * The most recently updated `subscription_tiers` row of the user. Without one the user is FREE on the UTC
 * calendar month of `now` (decision 4), which is what a new account gets anyway.
 */
export async function currentSubscription(
  db: Kysely<Database>,
  userId: string,
  now: Date = new Date(),
): Promise<CurrentSubscription> {
  const row = await db
    .selectFrom('subscription_tiers')
    .select([
      'id',
      'tier',
      'status',
      'billing_cycle_start',
      'billing_cycle_end',
      'external_customer_id',
      'external_subscription_id',
    ])
    .where('user_id', '=', userId)
    // Same rule as the entitlement reader of the auth module: the most recently updated row is current.
    .orderBy('updated_at', 'desc')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return subscriptionFromRow(userId, row, now);
}

type SubscriptionRow = {
  id: string;
  tier: string;
  status: string;
  billing_cycle_start: Date | string;
  billing_cycle_end: Date | string;
  external_customer_id: string | null;
  external_subscription_id: string | null;
};

/** The user's Free default cycle: the UTC calendar month of `now` (decision 4). */
export function defaultCycle(now: Date): { start: Date; end: Date } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  return { start, end: addMonths(start, 1) };
}

/** Maps a row (or its `to_jsonb` form, with ISO strings) to {@link CurrentSubscription}. */
export function subscriptionFromRow(
  userId: string,
  row: SubscriptionRow | null | undefined,
  now: Date,
): CurrentSubscription {
  if (!row) {
    const cycle = defaultCycle(now);
    return {
      id: null,
      userId,
      tier: 'FREE',
      status: 'ACTIVE',
      cycleStart: cycle.start,
      cycleEnd: cycle.end,
      externalCustomerId: null,
      externalSubscriptionId: null,
    };
  }
  if (!isTier(row.tier)) throw new Error(`subscription_tiers ${row.id}: unknown tier`);
  const status = STATUSES.find((s) => s === row.status);
  if (!status) throw new Error(`subscription_tiers ${row.id}: unknown status`);
  return {
    id: row.id,
    userId,
    tier: row.tier,
    status,
    cycleStart: new Date(row.billing_cycle_start),
    cycleEnd: new Date(row.billing_cycle_end),
    externalCustomerId: row.external_customer_id,
    externalSubscriptionId: row.external_subscription_id,
  };
}

export type TierWrite = {
  tier: Tier;
  status: SubscriptionStatus;
  cycleStart: Date;
  cycleEnd: Date;
  externalCustomerId?: string | null;
  externalSubscriptionId?: string | null;
};

/**
 * Writes the entitlement row: updates the newest one in place (one row per user, decision 4) or
 * creates it. Context cap and operating mode always follow the tier matrix (V1-FR-SUB-004).
 */
export async function writeSubscriptionTier(
  db: Kysely<Database>,
  userId: string,
  w: TierWrite,
): Promise<{ id: string; before: CurrentSubscription }> {
  const before = await currentSubscription(db, userId, w.cycleStart);
  const values = {
    tier: w.tier,
    status: w.status,
    context_cap: TIER_MATRIX[w.tier].contextCap,
    operating_mode: TIER_MATRIX[w.tier].operatingMode,
    billing_cycle_start: w.cycleStart,
    billing_cycle_end: w.cycleEnd,
    payment_gateway: w.externalSubscriptionId || w.externalCustomerId ? 'stripe' : undefined,
    ...(w.externalCustomerId !== undefined ? { external_customer_id: w.externalCustomerId } : {}),
    ...(w.externalSubscriptionId !== undefined
      ? { external_subscription_id: w.externalSubscriptionId }
      : {}),
    updated_at: new Date(),
  };
  if (before.id) {
    await db.updateTable('subscription_tiers').set(values).where('id', '=', before.id).execute();
    return { id: before.id, before };
  }
  const row = await db
    .insertInto('subscription_tiers')
    .values({ user_id: userId, ...values })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, before };
}
