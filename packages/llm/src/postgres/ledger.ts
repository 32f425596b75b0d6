/**
 * @module `usage_ledger` adapter of the router's {@link LedgerSink} (DB_SCHEMA §2 and invariant 7,
 * PRD V1 §9.10, V1-FR-SUB-002/006, V1-FR-BIL-001/002): one row per logical call, keyed
 * `{job_id}:{model_class}:{attempt_number}` and inserted with `ON CONFLICT DO NOTHING`, so a
 * retried call is metered once. `quantity` holds milli-credits (`ledgerQuantity`).
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '@iama/db';
import type { RoutingPhase } from '@iama/contracts';
import { creditsOfLedgerQuantity, ledgerQuantity } from '../metering';
import type { LedgerSink } from '../ports';

/** `phase_N_call` event types of phases ≥ `minPhase`. */
const phaseEvents = (minPhase: RoutingPhase) =>
  ([1, 2, 3] as const).filter((p) => p >= minPhase).map((p) => `phase_${p}_call`);

/**
 * @example const ledger = pgLedger(db); await ledger.record(entry) // { inserted: true } once, then { inserted: false }
 */
export function pgLedger(db: Kysely<Database>): LedgerSink {
  return {
    async record(entry) {
      const row = await db
        .insertInto('usage_ledger')
        .values({
          user_id: entry.userId,
          job_id: entry.jobId,
          event_type: entry.eventType,
          quantity: ledgerQuantity(entry.credits),
          billable: entry.billable,
          failure_class: entry.failureClass,
          idempotency_key: entry.idempotencyKey,
          recorded_at: entry.recordedAt,
        })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .returning('id')
        .executeTakeFirst();
      return { inserted: row !== undefined };
    },

    async jobCredits(jobId, minPhase) {
      const { units } = await db
        .selectFrom('usage_ledger')
        .select(sql<string | null>`sum(quantity)`.as('units'))
        .where('job_id', '=', jobId)
        .where('billable', '=', true)
        .where('event_type', 'in', phaseEvents(minPhase))
        .executeTakeFirstOrThrow();
      return creditsOfLedgerQuantity(Number(units ?? 0));
    },
  };
}
