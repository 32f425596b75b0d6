/**
 * @module Metered overage (V1-FR-PAY-004, API_CONTRACT §5 `GET /billing/usage-report`): credits
 * consumed in the cycle beyond the tier's base allowance, attributed to the phase of the calls
 * that went past it (chronologically), and reporting that overage to the gateway's billing meter
 * exactly once per credit (`reportOverage`).
 */
import { sql, type Kysely } from 'kysely';
import { CREDIT_CONSTANTS, type UsageReportResponse } from '@iama/contracts';
import type { Database } from '@iama/db';
import {
  CALL_EVENT_TYPES,
  currentSubscription,
  gatedTier,
  limitsFor,
  lockUserQuota,
  MILLI_PER_CREDIT,
} from '../quota';
import type { BillingContext } from './config';

export const OVERAGE_REPORTED_EVENT = 'billing.overage_reported';

export type Overage = {
  periodStart: Date;
  periodEnd: Date;
  milliByPhase: [number, number, number];
  totalMilli: number;
};

export async function cycleOverage(
  db: Kysely<Database>,
  userId: string,
  now: Date = new Date(),
): Promise<Overage> {
  const sub = await currentSubscription(db, userId, now);
  const base = limitsFor(gatedTier(sub.tier, sub.status), 0, 0).baseMonthlyMilli;
  const byPhase: [number, number, number] = [0, 0, 0];
  if (base !== null) {
    // Running total in recording order: the part of each call beyond the base allowance is overage.
    const rows = await db
      .selectFrom('usage_ledger')
      .select([
        'event_type',
        'quantity',
        sql<string>`sum(quantity) over (order by recorded_at, id)`.as('running'),
      ])
      .where('user_id', '=', userId)
      .where('billable', '=', true)
      .where('event_type', 'in', [...CALL_EVENT_TYPES])
      .where('recorded_at', '>=', sub.cycleStart)
      .where('recorded_at', '<', sub.cycleEnd)
      .execute();
    for (const r of rows) {
      const running = Number(r.running);
      const over = Math.min(r.quantity, Math.max(0, running - base));
      const phase = CALL_EVENT_TYPES.indexOf(r.event_type as (typeof CALL_EVENT_TYPES)[number]);
      byPhase[phase] = byPhase[phase]! + over;
    }
  }
  return {
    periodStart: sub.cycleStart,
    periodEnd: sub.cycleEnd,
    milliByPhase: byPhase,
    totalMilli: byPhase[0] + byPhase[1] + byPhase[2],
  };
}

const credits = (milli: number) => Math.round((milli / MILLI_PER_CREDIT) * 1000) / 1000;

/** The §5 response. Phase 1 overage has no field of its own; it is included in the cost. */
export async function usageReport(
  db: Kysely<Database>,
  userId: string,
  now: Date = new Date(),
): Promise<UsageReportResponse> {
  const o = await cycleOverage(db, userId, now);
  return {
    period_start: o.periodStart.toISOString(),
    period_end: o.periodEnd.toISOString(),
    phase_2_overage: credits(o.milliByPhase[1]),
    phase_3_overage: credits(o.milliByPhase[2]),
    // No sandbox-seconds allowance exists in V1 (PRD V1 §9.10 meters credits only): decision 8.
    sandbox_seconds_overage: 0,
    estimated_overage_cost:
      Math.round((o.totalMilli / MILLI_PER_CREDIT) * CREDIT_CONSTANTS.USD_PER_CREDIT * 100) / 100,
  };
}

/**
 * Sends the not-yet-reported overage of the user's cycle to the gateway meter (whole credits)
 * and records what was sent, under the user's quota lock so two reporters cannot both send it.
 * Returns the credits sent (0 when nothing new).
 */
export function reportOverage(
  db: Kysely<Database>,
  ctx: BillingContext,
  userId: string,
  now: Date = new Date(),
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await lockUserQuota(trx, userId);
    return reportOverageLocked(trx, ctx, userId, now);
  });
}

/** {@link reportOverage} inside a transaction that holds the user's quota lock. */
export async function reportOverageLocked(
  trx: Kysely<Database>,
  ctx: BillingContext,
  userId: string,
  now: Date,
): Promise<number> {
  const sub = await currentSubscription(trx, userId, now);
  if (!sub.externalCustomerId) return 0;
  const overage = await cycleOverage(trx, userId, now);
  const reported = await trx
    .selectFrom('audit_events')
    .select(sql<string>`coalesce(sum((metadata->>'credits')::numeric), 0)`.as('sent'))
    .where('event_type', '=', OVERAGE_REPORTED_EVENT)
    .where('actor_id', '=', userId)
    .where('metadata', '@>', JSON.stringify({ cycle_start: sub.cycleStart.toISOString() }))
    .executeTakeFirstOrThrow();
  const delta = Math.floor(overage.totalMilli / MILLI_PER_CREDIT) - Number(reported.sent);
  if (delta <= 0) return 0;
  const identifier = `iama-overage-${userId}-${sub.cycleStart.toISOString()}-${Number(reported.sent) + delta}`;
  await ctx.stripe.billing.meterEvents.create(
    {
      event_name: ctx.options.overageMeterEvent,
      identifier,
      payload: { stripe_customer_id: sub.externalCustomerId, value: String(delta) },
    },
    { idempotencyKey: identifier },
  );
  await trx
    .insertInto('audit_events')
    .values({
      actor_id: userId,
      event_type: OVERAGE_REPORTED_EVENT,
      surface: 'SYSTEM',
      metadata: JSON.stringify({
        cycle_start: sub.cycleStart.toISOString(),
        credits: delta,
        identifier,
      }),
    })
    .execute();
  return delta;
}
