/**
 * @module The quota position of one user at one instant: entitlement row, ledger totals of the
 * cycle, held reservations and today's job starts (PRD V1 §9.10). Shared by the reservation
 * decision and the usage summary so both read the same numbers, in one statement (one round
 * trip inside the reservation's locked transaction).
 */
import { sql, type Kysely } from 'kysely';
import type { Tier } from '@iama/contracts';
import type { Database } from '@iama/db';
import {
  ADD_ON_EVENT,
  ADJUSTMENT_EVENT,
  CALL_EVENT_TYPES,
  usageFromTotals,
  type CycleUsage,
} from './ledger';
import { gatedTier, limitsFor, MILLI_PER_CREDIT, utcDayStart, type Limits } from './quota-math';
import { defaultCycle, subscriptionFromRow, type CurrentSubscription } from './subscription';

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

type StateRow = {
  sub: Parameters<typeof subscriptionFromRow>[1];
  ledger: { event_type: string; total: string | number; largest: string | number }[];
  today: string;
  held: string;
};

const LEDGER_TYPES = [...CALL_EVENT_TYPES, ADD_ON_EVENT, ADJUSTMENT_EVENT];

export async function quotaState(
  db: Kysely<Database>,
  userId: string,
  now: Date,
): Promise<QuotaState> {
  const fallback = defaultCycle(now);
  const { rows } = await sql<StateRow>`
    with s as (
      select id, tier, status, billing_cycle_start, billing_cycle_end, external_customer_id, external_subscription_id
      from subscription_tiers where user_id = ${userId}
      order by updated_at desc, created_at desc, id desc limit 1
    ), w as (
      select coalesce((select billing_cycle_start from s), ${fallback.start}::timestamptz) as cs,
             coalesce((select billing_cycle_end from s), ${fallback.end}::timestamptz) as ce
    )
    select
      (select to_jsonb(s) from s) as sub,
      (select coalesce(jsonb_agg(t), '[]'::jsonb) from (
        select l.event_type, sum(l.quantity) as total, max(l.quantity) as largest
        from usage_ledger l, w
        where l.user_id = ${userId} and l.recorded_at >= w.cs and l.recorded_at < w.ce
          and (l.billable or l.event_type in (${ADD_ON_EVENT}, ${ADJUSTMENT_EVENT}))
          and l.event_type in (${sql.join(LEDGER_TYPES)})
        group by l.event_type
      ) t) as ledger,
      r.today, r.held
    from (
      select count(*) filter (where phase = 1 and status <> 'RELEASED' and reserved_at >= ${utcDayStart(now)}) as today,
             coalesce(sum(quantity) filter (where status = 'RESERVED'), 0) as held
      from quota_reservations where user_id = ${userId}
    ) r`.execute(db);
  const row = rows[0]!;
  const subscription = subscriptionFromRow(userId, row.sub, now);
  const tier = gatedTier(subscription.tier, subscription.status);
  const usage = usageFromTotals(row.ledger);
  const limits = limitsFor(tier, usage.addOnPercent, usage.adjustmentMilli);
  const heldMilli = Number(row.held) * MILLI_PER_CREDIT;
  return {
    subscription,
    tier,
    usage,
    limits,
    jobsStartedToday: Number(row.today),
    heldMilli,
    remainingMilli:
      limits.monthlyMilli === null ? null : limits.monthlyMilli - usage.consumedMilli - heldMilli,
  };
}
