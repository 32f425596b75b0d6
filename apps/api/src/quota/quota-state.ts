/**
 * @module The quota position of one user at one instant: entitlement row, ledger totals of the
 * cycle, held reservations and today's job starts (PRD V1 §9.10). Shared by the reservation
 * decision and the usage summary so both read the same numbers.
 */
import { sql, type Kysely } from 'kysely';
import type { Tier } from '@iama/contracts';
import type { Database } from '@iama/db';
import { cycleUsage, type CycleUsage } from './ledger';
import { gatedTier, limitsFor, MILLI_PER_CREDIT, utcDayStart, type Limits } from './quota-math';
import { currentSubscription, type CurrentSubscription } from './subscription';

export type QuotaState = {
  subscription: CurrentSubscription;
  /** The tier the gate applies (premium lock on PAST_DUE / CANCELLED). */
  tier: Tier;
  usage: CycleUsage;
  limits: Limits;
  /** Phase-1 reservations made since 00:00 UTC that were not released. */
  jobsStartedToday: number;
  /** Milli-credits held by open (RESERVED) reservations. */
  heldMilli: number;
  /** `monthlyMilli - consumed - held`, or `null` without a monthly layer. */
  remainingMilli: number | null;
};

export async function quotaState(
  db: Kysely<Database>,
  userId: string,
  now: Date,
): Promise<QuotaState> {
  const subscription = await currentSubscription(db, userId, now);
  const tier = gatedTier(subscription.tier, subscription.status);
  const [usage, reservations] = await Promise.all([
    cycleUsage(db, userId, { start: subscription.cycleStart, end: subscription.cycleEnd }),
    db
      .selectFrom('quota_reservations')
      .select([
        sql<string>`count(*) filter (where phase = 1 and status <> 'RELEASED' and reserved_at >= ${utcDayStart(now)})`.as(
          'today',
        ),
        sql<string>`coalesce(sum(quantity) filter (where status = 'RESERVED'), 0)`.as('held'),
      ])
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow(),
  ]);
  const limits = limitsFor(tier, usage.addOnPercent, usage.adjustmentMilli);
  const heldMilli = Number(reservations.held) * MILLI_PER_CREDIT;
  return {
    subscription,
    tier,
    usage,
    limits,
    jobsStartedToday: Number(reservations.today),
    heldMilli,
    remainingMilli:
      limits.monthlyMilli === null ? null : limits.monthlyMilli - usage.consumedMilli - heldMilli,
  };
}
