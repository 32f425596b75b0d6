/**
 * @module The durable job event log behind `GET /api/v1/jobs/:job_id/logs` (table `job_events`,
 * docs/db/ADDITIONS.md). Appends validate against the contract's event union; reads page forward
 * from a per-job `seq`, which is the SSE `id` and therefore what `Last-Event-ID` names.
 */
import type { Kysely } from 'kysely';
import { jobEventSchema, type JobEvent } from '@iama/contracts';
import type { Database } from '@iama/db';

export type StoredJobEvent = { seq: number; event: JobEvent };

/**
 * Validates and appends one event; the database assigns `seq` (per-job, commit-ordered) and
 * notifies listeners. `state_change` rows are written by the `refactor_jobs` trigger, so callers
 * never append those themselves.
 * @example await appendJobEvent(db, jobId, { event: 'log_line', level: 'INFO', message: 'analysing', timestamp })
 */
export async function appendJobEvent(
  db: Kysely<Database>,
  jobId: string,
  event: JobEvent,
): Promise<number> {
  const parsed = jobEventSchema.parse(event);
  const row = await db
    .insertInto('job_events')
    .values({ job_id: jobId, event_type: parsed.event, payload: JSON.stringify(parsed) })
    .returning('seq')
    .executeTakeFirstOrThrow();
  return row.seq;
}

/** Events of one job with `seq > afterSeq`, oldest first, at most `limit`. */
export async function readJobEvents(
  db: Kysely<Database>,
  jobId: string,
  afterSeq: number,
  limit = 500,
): Promise<StoredJobEvent[]> {
  const rows = await db
    .selectFrom('job_events')
    .select(['seq', 'payload'])
    .where('job_id', '=', jobId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ seq: r.seq, event: r.payload as JobEvent }));
}
