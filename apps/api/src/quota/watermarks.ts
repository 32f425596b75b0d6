/**
 * @module Usage watermark events at 80 % and 100 % of the monthly credits (V1-FR-PAY-006): one
 * `audit_events` row per user, cycle and threshold, written the first time the threshold is
 * reached, so the IDE's toast fires once per crossing. Free has no monthly layer and no events.
 */
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';
import { watermarksReached } from './quota-math';
import { quotaState } from './quota-state';
import { lockUserQuota } from './quota-lock';

export const WATERMARK_EVENT = 'quota.watermark_crossed';

/** Thresholds (whole percents) already recorded in the cycle starting at `cycleStart`. */
export async function recordedWatermarks(
  db: Kysely<Database>,
  userId: string,
  cycleStart: Date,
): Promise<number[]> {
  const rows = await db
    .selectFrom('audit_events')
    .select('metadata')
    .where('event_type', '=', WATERMARK_EVENT)
    .where('actor_id', '=', userId)
    .where('metadata', '@>', JSON.stringify({ cycle_start: cycleStart.toISOString() }))
    .execute();
  return rows
    .map((r) => Number((r.metadata as { threshold_percent?: number }).threshold_percent))
    .sort((a, b) => a - b);
}

/**
 * Records thresholds newly reached by the user's consumption and returns them; for ledger
 * writers after a metered call. Takes the user's quota lock so a crossing is recorded once.
 */
export function recordWatermarks(
  db: Kysely<Database>,
  userId: string,
  now: Date = new Date(),
): Promise<number[]> {
  return db.transaction().execute(async (trx) => {
    await lockUserQuota(trx, userId);
    return recordWatermarksLocked(trx, userId, now);
  });
}

/** {@link recordWatermarks} inside a transaction that already holds the user's quota lock. */
export async function recordWatermarksLocked(
  db: Kysely<Database>,
  userId: string,
  now: Date,
): Promise<number[]> {
  const state = await quotaState(db, userId, now);
  const limit = state.limits.monthlyMilli;
  if (limit === null) return [];
  const reached = watermarksReached(limit > 0 ? state.usage.consumedMilli / limit : 1);
  if (reached.length === 0) return [];
  const cycleStart = state.subscription.cycleStart;
  const already = await recordedWatermarks(db, userId, cycleStart);
  const fresh = reached.filter((w) => !already.includes(w));
  for (const threshold of fresh) {
    await db
      .insertInto('audit_events')
      .values({
        actor_id: userId,
        event_type: WATERMARK_EVENT,
        surface: 'SYSTEM',
        metadata: JSON.stringify({
          threshold_percent: threshold,
          cycle_start: cycleStart.toISOString(),
          tier: state.tier,
        }),
      })
      .execute();
  }
  return fresh;
}
