/**
 * @module Monthly quota refresh at billing-cycle boundaries (V1-FR-PAY-003, PRD V1 §9.10 "resets
 * on billing cycle anniversary"): every active entitlement whose cycle has ended moves to the
 * cycle containing `now`, and an audit event records old and new cycle. Consumption is counted
 * per cycle window, so moving the window is the reset; add-ons do not carry over.
 * Safe to run twice or concurrently: each move is conditional on the old cycle end.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '@iama/db';
import { addMonths } from './quota-math';
import { lockUserQuota } from './quota-lock';

export const CYCLE_REFRESH_EVENT = 'quota.cycle_refreshed';

export type CycleRefresh = {
  userId: string;
  tier: string;
  oldStart: string;
  newStart: string;
  newEnd: string;
  auditEventId: string;
};

/** The cycle containing `now`: whole months stepped from the old end (the anniversary). */
function cycleContaining(oldEnd: Date, now: Date): { start: Date; end: Date } {
  let months = 0;
  while (addMonths(oldEnd, months + 1) <= now) months += 1;
  return { start: addMonths(oldEnd, months), end: addMonths(oldEnd, months + 1) };
}

/**
 * Refreshes due cycles; returns what moved. `limit` bounds one run (the schedule runs again).
 * @example await refreshDueCycles(db, new Date()) // [{ userId, oldStart, newStart, … }]
 */
export async function refreshDueCycles(
  db: Kysely<Database>,
  now: Date = new Date(),
  limit = 500,
): Promise<CycleRefresh[]> {
  const due = await db
    .selectFrom('subscription_tiers as s')
    .select(['s.id', 's.user_id', 's.tier', 's.billing_cycle_start', 's.billing_cycle_end'])
    .where('s.billing_cycle_end', '<=', now)
    .where('s.status', 'in', ['ACTIVE', 'TRIAL'])
    // Only each user's most recently updated row is the entitlement (subscription.ts).
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('subscription_tiers as n')
            .select(sql`1`.as('one'))
            .whereRef('n.user_id', '=', 's.user_id')
            .where(
              sql<boolean>`(n.updated_at, n.created_at, n.id) > (s.updated_at, s.created_at, s.id)`,
            ),
        ),
      ),
    )
    .orderBy('s.billing_cycle_end')
    .limit(limit)
    .execute();
  const moved: CycleRefresh[] = [];
  for (const row of due) {
    const next = cycleContaining(row.billing_cycle_end, now);
    const result = await db.transaction().execute(async (trx) => {
      await lockUserQuota(trx, row.user_id);
      const updated = await trx
        .updateTable('subscription_tiers')
        .set({ billing_cycle_start: next.start, billing_cycle_end: next.end, updated_at: now })
        .where('id', '=', row.id)
        .where('billing_cycle_end', '=', row.billing_cycle_end)
        .returning('id')
        .executeTakeFirst();
      if (!updated) return null;
      const audit = await trx
        .insertInto('audit_events')
        .values({
          actor_id: row.user_id,
          event_type: CYCLE_REFRESH_EVENT,
          surface: 'SYSTEM',
          old_state: row.billing_cycle_start.toISOString(),
          new_state: next.start.toISOString(),
          metadata: JSON.stringify({
            tier: row.tier,
            old_cycle_start: row.billing_cycle_start.toISOString(),
            old_cycle_end: row.billing_cycle_end.toISOString(),
            new_cycle_start: next.start.toISOString(),
            new_cycle_end: next.end.toISOString(),
            source: 'schedule',
          }),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return audit.id;
    });
    if (result)
      moved.push({
        userId: row.user_id,
        tier: row.tier,
        oldStart: row.billing_cycle_start.toISOString(),
        newStart: next.start.toISOString(),
        newEnd: next.end.toISOString(),
        auditEventId: result,
      });
  }
  return moved;
}
