/**
 * @module Reading and writing the credit side of `usage_ledger` (V1-FR-SUB-002, PRD V1 §9.10,
 * AGENT.md resolution 7): consumption per cycle, add-ons, operator adjustments and the rolling
 * average job cost. Units and event types are docs/billing/decisions.md decisions 1 and 3.
 */
import { sql, type Kysely } from 'kysely';
import { CREDIT_CONSTANTS } from '@iama/contracts';
import type { Database } from '@iama/db';
import { MILLI_PER_CREDIT, type AddOnPercent } from './quota-math';

/** Model-call rows written by the IAMA Router (`quantity` = milli-credits). */
export const CALL_EVENT_TYPES = ['phase_1_call', 'phase_2_call', 'phase_3_call'] as const;
/** One per user and cycle (`quantity` = 25 | 50); key `add_on:{user_id}:{cycle_start}`. */
export const ADD_ON_EVENT = 'quota_add_on';
/** Operator or system credit change (`quantity` = signed milli-credits), V1-FR-OPS-003. */
export const ADJUSTMENT_EVENT = 'quota_adjustment';

export type Cycle = { start: Date; end: Date };

export type CycleUsage = {
  /** Billable milli-credits of model calls in the cycle, by phase. */
  consumedMilliByPhase: [number, number, number];
  consumedMilli: number;
  addOnPercent: AddOnPercent;
  adjustmentMilli: number;
};

/** Everything the gate and the summary need from the ledger for one cycle, in one query. */
export async function cycleUsage(
  db: Kysely<Database>,
  userId: string,
  cycle: Cycle,
): Promise<CycleUsage> {
  const rows = await db
    .selectFrom('usage_ledger')
    .select([
      'event_type',
      sql<string>`coalesce(sum(quantity), 0)`.as('total'),
      sql<string>`coalesce(max(quantity), 0)`.as('largest'),
    ])
    .where('user_id', '=', userId)
    .where('recorded_at', '>=', cycle.start)
    .where('recorded_at', '<', cycle.end)
    .where((eb) =>
      eb.or([eb('billable', '=', true), eb('event_type', 'in', [ADD_ON_EVENT, ADJUSTMENT_EVENT])]),
    )
    .where('event_type', 'in', [...CALL_EVENT_TYPES, ADD_ON_EVENT, ADJUSTMENT_EVENT])
    .groupBy('event_type')
    .execute();
  return usageFromTotals(rows);
}

/** Ledger totals per event type (strings from PostgreSQL sums) → {@link CycleUsage}. */
export function usageFromTotals(
  rows: readonly { event_type: string; total: string | number; largest: string | number }[],
): CycleUsage {
  const total = (type: string) => Number(rows.find((r) => r.event_type === type)?.total ?? 0);
  const byPhase: [number, number, number] = [
    total('phase_1_call'),
    total('phase_2_call'),
    total('phase_3_call'),
  ];
  const addOn = Number(rows.find((r) => r.event_type === ADD_ON_EVENT)?.largest ?? 0);
  return {
    consumedMilliByPhase: byPhase,
    consumedMilli: byPhase[0] + byPhase[1] + byPhase[2],
    addOnPercent: addOn === 25 || addOn === 50 ? addOn : 0,
    adjustmentMilli: total(ADJUSTMENT_EVENT),
  };
}

/**
 * Rolling average credits per completed job over the last 7 days (V1-FR-SUB-003): the jobs whose
 * start reservation was committed in the window, and their billable call credits; `null`
 * without history (the caller then uses the 25 C default).
 */
export async function rollingAverageJobCredits(
  db: Kysely<Database>,
  userId: string,
  now: Date,
): Promise<number | null> {
  const since = new Date(now.getTime() - CREDIT_CONSTANTS.ROLLING_AVERAGE_DAYS * 86_400_000);
  const row = await db
    .selectFrom('quota_reservations as r')
    .leftJoin('usage_ledger as l', (j) =>
      j
        .onRef('l.job_id', '=', 'r.job_id')
        .on('l.billable', '=', true)
        .on('l.event_type', 'in', [...CALL_EVENT_TYPES]),
    )
    .select([
      sql<string>`count(distinct r.job_id)`.as('jobs'),
      sql<string>`coalesce(sum(l.quantity), 0)`.as('milli'),
    ])
    .where('r.user_id', '=', userId)
    .where('r.phase', '=', 1)
    .where('r.status', '=', 'COMMITTED')
    .where('r.committed_at', '>=', since)
    .executeTakeFirstOrThrow();
  const jobs = Number(row.jobs);
  return jobs > 0 ? Number(row.milli) / MILLI_PER_CREDIT / jobs : null;
}

/**
 * Records the cycle's add-on (V1-FR-SUB-004, PRD V1 §9.10: current cycle only, no carry-over).
 * Idempotent: the key holds user and cycle, so a replayed purchase event changes nothing and a
 * second add-on in the same cycle is refused (`inserted: false`).
 */
export async function recordAddOn(
  db: Kysely<Database>,
  userId: string,
  cycle: Cycle,
  percent: 25 | 50,
): Promise<{ inserted: boolean }> {
  const rows = await db
    .insertInto('usage_ledger')
    .values({
      user_id: userId,
      event_type: ADD_ON_EVENT,
      quantity: percent,
      billable: false,
      idempotency_key: `add_on:${userId}:${cycle.start.toISOString()}`,
      recorded_at: cycle.start,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .execute();
  return { inserted: rows.length === 1 };
}

/**
 * Adds (or, negative, removes) credits for the current cycle, e.g. an operator adjustment
 * (V1-FR-OPS-003). `idempotencyKey` makes a retried request count once.
 */
export async function recordCreditAdjustment(
  db: Kysely<Database>,
  input: { userId: string; deltaCredits: number; idempotencyKey: string; recordedAt?: Date },
): Promise<{ inserted: boolean }> {
  const rows = await db
    .insertInto('usage_ledger')
    .values({
      user_id: input.userId,
      event_type: ADJUSTMENT_EVENT,
      quantity: Math.round(input.deltaCredits * MILLI_PER_CREDIT),
      billable: false,
      idempotency_key: input.idempotencyKey,
      ...(input.recordedAt ? { recorded_at: input.recordedAt } : {}),
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .execute();
  return { inserted: rows.length === 1 };
}
