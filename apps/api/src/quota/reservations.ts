/**
 * @module Quota reservations (V1-FR-BIL-004, V1-FR-BIL-006, SERVICE_ARCHITECTURE §7.1, DB_SCHEMA
 * invariant 6): `reserveQuota` decides and writes under a per-user `pg_advisory_xact_lock`, so
 * concurrent starts of one user are serialized and can never spend the same credits twice;
 * `commitReservation` / `releaseReservation` settle it. Plain functions over a Kysely handle so
 * the job API and the worker's activities call the same code.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '@iama/db';
import { decide, heldCreditsFor, type QuotaDenial } from './quota-math';
import { quotaState } from './quota-state';
import { lockUserQuota, quotaLockKey } from './quota-lock';
import { recordWatermarksLocked } from './watermarks';

export type ReservationStatus = 'RESERVED' | 'COMMITTED' | 'RELEASED';
/** DB `quota_reservations.release_reason` values. */
export type ReleaseReason = 'JOB_SUCCESS' | 'JOB_FAILED_NON_BILLABLE' | 'CLIENT_DISCONNECTED_EARLY';

export type Reservation = {
  id: string;
  userId: string;
  jobId: string;
  phase: 1 | 2 | 3;
  /** Whole credits held while RESERVED. */
  quantity: number;
  status: ReservationStatus;
  idempotencyKey: string;
  reservedAt: Date;
  committedAt: Date | null;
  releasedAt: Date | null;
  releaseReason: string | null;
};

export type ReserveInput = {
  userId: string;
  jobId: string;
  /** Caller-chosen and stable across retries, e.g. `start:{job_id}` (invariant 6). */
  idempotencyKey: string;
  /** 1 = job start (both layers of the gate); 2 / 3 = advanced-run reservation. */
  phase?: 1 | 2 | 3;
  /** Worker instance or API node that took the reservation (`lock_owner`). */
  lockOwner?: string;
  now?: Date;
};

export type ReserveResult =
  { ok: true; reservation: Reservation; replayed: boolean } | { ok: false; denial: QuotaDenial };

/** The reservation key belongs to another user: a programming or tampering error, never a quota decision. */
export class ReservationKeyConflictError extends Error {
  override readonly name = 'ReservationKeyConflictError';
}

/** A settle call that contradicts the reservation's final state (commit after release or vice versa). */
export class ReservationStateError extends Error {
  override readonly name = 'ReservationStateError';
  constructor(
    readonly reservationId: string,
    readonly status: ReservationStatus,
    attempted: 'commit' | 'release',
  ) {
    super(`reservation ${reservationId} is ${status}; cannot ${attempted}`);
  }
}

type Row = {
  id: string;
  user_id: string;
  job_id: string;
  phase: number;
  quantity: number;
  status: string;
  idempotency_key: string;
  reserved_at: Date;
  committed_at: Date | null;
  released_at: Date | null;
  release_reason: string | null;
};

function toReservation(r: Row): Reservation {
  return {
    id: r.id,
    userId: r.user_id,
    jobId: r.job_id,
    phase: r.phase as 1 | 2 | 3,
    quantity: r.quantity,
    status: r.status as ReservationStatus,
    idempotencyKey: r.idempotency_key,
    reservedAt: r.reserved_at,
    committedAt: r.committed_at,
    releasedAt: r.released_at,
    releaseReason: r.release_reason,
  };
}

/** Takes the user's quota lock and looks the key up, in one round trip. */
async function lockAndFind(
  trx: Kysely<Database>,
  userId: string,
  key: string,
): Promise<Row | undefined> {
  const { rows } = await sql<Row | { [K in keyof Row]: null }>`
    select q.* from (select pg_advisory_xact_lock(hashtext(${quotaLockKey(userId)}))) l
    left join quota_reservations q on q.idempotency_key = ${key}`.execute(trx);
  const row = rows[0];
  return row && row.id !== null ? (row as Row) : undefined;
}

function byKey(db: Kysely<Database>, key: string) {
  return db
    .selectFrom('quota_reservations')
    .selectAll()
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

/**
 * Decides and, when allowed, inserts a reservation. A repeated key returns the first outcome's
 * reservation (`replayed: true`) without deciding again; a denial writes nothing.
 * @example const r = await reserveQuota(db, { userId, jobId, idempotencyKey: `start:${jobId}` });
 *          if (!r.ok) throw quotaDenialError(r.denial);
 */
export async function reserveQuota(
  db: Kysely<Database>,
  input: ReserveInput,
): Promise<ReserveResult> {
  const now = input.now ?? new Date();
  const phase = input.phase ?? 1;
  return db.transaction().execute(async (trx) => {
    const existing = await lockAndFind(trx, input.userId, input.idempotencyKey);
    if (existing) {
      if (existing.user_id !== input.userId)
        throw new ReservationKeyConflictError('idempotency key belongs to another user');
      return { ok: true, reservation: toReservation(existing), replayed: true };
    }
    const state = await quotaState(trx, input.userId, now);
    const decision = decide({
      tier: state.tier,
      phase,
      addOnPercent: state.usage.addOnPercent,
      jobsStartedToday: state.jobsStartedToday,
      remainingMilli: state.remainingMilli,
      dailyJobLimit: state.limits.dailyJobLimit,
      now,
      cycleEnd: state.subscription.cycleEnd,
    });
    if (!decision.ok) return decision;
    const inserted = await trx
      .insertInto('quota_reservations')
      .values({
        user_id: input.userId,
        job_id: input.jobId,
        phase,
        quantity: heldCreditsFor(state.tier),
        status: 'RESERVED',
        idempotency_key: input.idempotencyKey,
        lock_owner: input.lockOwner ?? null,
        reserved_at: now,
      })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { ok: true, reservation: toReservation(inserted), replayed: false };
    // Same key inserted concurrently under another user's lock: report that row, never a second one.
    const raced = await byKey(trx, input.idempotencyKey);
    if (!raced || raced.user_id !== input.userId)
      throw new ReservationKeyConflictError('idempotency key belongs to another user');
    return { ok: true, reservation: toReservation(raced), replayed: true };
  });
}

async function settle(
  db: Kysely<Database>,
  idempotencyKey: string,
  target: 'COMMITTED' | 'RELEASED',
  reason: ReleaseReason | null,
  now: Date,
): Promise<Reservation> {
  return db.transaction().execute(async (trx) => {
    const found = await byKey(trx, idempotencyKey);
    if (!found) throw new Error(`no reservation with key ${idempotencyKey}`);
    await lockUserQuota(trx, found.user_id);
    const current = (await byKey(trx, idempotencyKey))!;
    if (current.status === target) return toReservation(current);
    if (current.status !== 'RESERVED')
      throw new ReservationStateError(
        current.id,
        current.status as ReservationStatus,
        target === 'COMMITTED' ? 'commit' : 'release',
      );
    const updated = await trx
      .updateTable('quota_reservations')
      .set(
        target === 'COMMITTED'
          ? { status: target, committed_at: now }
          : { status: target, released_at: now, release_reason: reason },
      )
      .where('id', '=', current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (target === 'COMMITTED') await recordWatermarksLocked(trx, found.user_id, now);
    return toReservation(updated);
  });
}

/**
 * Settles a reservation as charged (V1-FR-BIL-004/006: at or after `GENERATING_TESTS`). The
 * credits actually spent are the router's ledger rows; the held threshold stops counting.
 * Idempotent; throws {@link ReservationStateError} if it was already released.
 */
export function commitReservation(
  db: Kysely<Database>,
  idempotencyKey: string,
  now: Date = new Date(),
): Promise<Reservation> {
  return settle(db, idempotencyKey, 'COMMITTED', null, now);
}

/**
 * Returns the held credits and the daily slot (V1-FR-BIL-002/006: non-billable outcomes).
 * Idempotent; throws {@link ReservationStateError} if it was already committed.
 */
export function releaseReservation(
  db: Kysely<Database>,
  idempotencyKey: string,
  reason: ReleaseReason,
  now: Date = new Date(),
): Promise<Reservation> {
  return settle(db, idempotencyKey, 'RELEASED', reason, now);
}
