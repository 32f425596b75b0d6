/**
 * Credits and quota against the real PostgreSQL of the test stack, one scratch database for the
 * file (issue #5; PRD V1 §9.10, V1-FR-SUB-003/004/005/006, V1-FR-BIL-004/006, V1-FR-PAY-003/006,
 * DB_SCHEMA invariants 6, 7, 16; SERVICE_ARCHITECTURE §7.1).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import type { Tier } from '@iama/contracts';
import { createDb, type Database } from '@iama/db';
import {
  commitReservation,
  quotaState,
  recordAddOn,
  recordCreditAdjustment,
  recordWatermarks,
  refreshDueCycles,
  releaseReservation,
  reserveQuota,
  ReservationKeyConflictError,
  ReservationStateError,
  usageSummary,
  WATERMARK_EVENT,
} from '../src/quota';
import { nextUtcMidnight } from '../src/quota/quota-math';
import { createScratchDb, type ScratchDb } from './support/db';

const NOW = new Date('2026-03-10T15:00:00.000Z');
const CYCLE = {
  start: new Date('2026-03-01T00:00:00.000Z'),
  end: new Date('2026-04-01T00:00:00.000Z'),
};

let scratch: ScratchDb;
let db: Kysely<Database>;

async function user(
  tier: Tier,
  opts: { status?: string; cycle?: { start: Date; end: Date } } = {},
): Promise<string> {
  const u = await db
    .insertInto('users')
    .values({ email: `${randomUUID()}@example.test` })
    .returning('id')
    .executeTakeFirstOrThrow();
  const cycle = opts.cycle ?? CYCLE;
  await db
    .insertInto('subscription_tiers')
    .values({
      user_id: u.id,
      tier,
      status: opts.status ?? 'ACTIVE',
      context_cap: 128000,
      operating_mode: 'SIMPLE',
      billing_cycle_start: cycle.start,
      billing_cycle_end: cycle.end,
    })
    .execute();
  return u.id;
}

/** Billable model-call credits already spent this cycle (router ledger rows, milli-credits). */
async function spend(
  userId: string,
  credits: number,
  phase = 1,
  jobId: string | null = null,
): Promise<void> {
  await db
    .insertInto('usage_ledger')
    .values({
      user_id: userId,
      job_id: jobId,
      event_type: `phase_${phase}_call`,
      quantity: Math.round(credits * 1000),
      idempotency_key: `${jobId ?? randomUUID()}:L${phase}:${randomUUID()}`,
      recorded_at: new Date(NOW.getTime() - 3_600_000),
    })
    .execute();
}

void describe('quota reservations and the two-layer gate (PRD V1 §9.10)', () => {
  before(async () => {
    scratch = await createScratchDb();
    db = scratch.db;
  });
  after(async () => {
    await scratch.drop();
  });

  void it('V1-FR-BIL-004: 20 parallel starts on separate connections against a daily limit of 8 → exactly 8 reservations', async () => {
    const userId = await user('PLUS');
    const pools = Array.from({ length: 20 }, () => createDb(scratch.url, 1));
    try {
      const results = await Promise.all(
        pools.map((p, i) =>
          reserveQuota(p.db, {
            userId,
            jobId: randomUUID(),
            idempotencyKey: `start:${i}:${userId}`,
            now: NOW,
          }),
        ),
      );
      const ok = results.filter((r) => r.ok);
      const denied = results.filter((r) => !r.ok);
      assert.equal(ok.length, 8);
      assert.equal(denied.length, 12);
      for (const d of denied) {
        assert.ok(!d.ok);
        assert.equal(d.denial.code, 'DAILY_JOB_LIMIT_REACHED');
        assert.equal(d.denial.resetAt?.toISOString(), '2026-03-11T00:00:00.000Z');
      }
      const rows = await db
        .selectFrom('quota_reservations')
        .select('status')
        .where('user_id', '=', userId)
        .execute();
      assert.equal(rows.length, 8);
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
  });

  void it('V1-FR-BIL-004: parallel starts at the edge of the monthly credits never double-spend or go negative', async () => {
    const userId = await user('PRO');
    await spend(userId, 650 - 35); // 35 C left: room for three 10 C holds, not four
    const pools = Array.from({ length: 12 }, () => createDb(scratch.url, 1));
    try {
      const results = await Promise.all(
        pools.map((p, i) =>
          reserveQuota(p.db, {
            userId,
            jobId: randomUUID(),
            idempotencyKey: `m:${i}:${userId}`,
            now: NOW,
          }),
        ),
      );
      assert.equal(results.filter((r) => r.ok).length, 3);
      for (const r of results.filter((x) => !x.ok)) {
        assert.ok(!r.ok);
        assert.equal(r.denial.code, 'INSUFFICIENT_MONTHLY_BALANCE');
        assert.equal(r.denial.resetAt?.toISOString(), CYCLE.end.toISOString());
      }
      const state = await quotaState(db, userId, NOW);
      assert.equal(state.remainingMilli, 5_000);
      assert.ok(state.remainingMilli! >= 0);
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
  });

  void it('issue #5 done-means: 100 concurrent starts of one user against a limit of N give exactly N reservations, balance never negative', async () => {
    const userId = await user('PRO');
    await spend(userId, 650 - 64); // 64 C: six 10 C holds fit under the credit layer, the daily limit is 20
    const pool = createDb(scratch.url, 10);
    try {
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          reserveQuota(pool.db, {
            userId,
            jobId: randomUUID(),
            idempotencyKey: `c100:${i}:${userId}`,
            now: NOW,
          }),
        ),
      );
      assert.equal(results.filter((r) => r.ok).length, 6);
      assert.ok(results.every((r) => r.ok || r.denial.code === 'INSUFFICIENT_MONTHLY_BALANCE'));
    } finally {
      await pool.close();
    }
    const state = await quotaState(db, userId, NOW);
    assert.equal(state.heldMilli, 60_000);
    assert.equal(state.remainingMilli, 4_000);
  });

  void it('invariant 6: the same idempotency key reserves once, also when retried concurrently', async () => {
    const userId = await user('MAX');
    const jobId = randomUUID();
    const key = `start:${jobId}`;
    const pools = Array.from({ length: 6 }, () => createDb(scratch.url, 1));
    try {
      const results = await Promise.all(
        pools.map((p) => reserveQuota(p.db, { userId, jobId, idempotencyKey: key, now: NOW })),
      );
      const ids = new Set(results.map((r) => (r.ok ? r.reservation.id : 'denied')));
      assert.equal(ids.size, 1);
      assert.equal(results.filter((r) => r.ok && !r.replayed).length, 1);
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
    const count = await db
      .selectFrom('quota_reservations')
      .select(db.fn.countAll().as('n'))
      .where('idempotency_key', '=', key)
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 1);
    const other = await user('MAX');
    await assert.rejects(
      reserveQuota(db, { userId: other, jobId, idempotencyKey: key, now: NOW }),
      ReservationKeyConflictError,
    );
  });

  void it('V1-FR-BIL-006: release returns the held credits and the daily slot; settling is idempotent and final', async () => {
    const userId = await user('FREE');
    const keys = [0, 1, 2].map((i) => `free:${i}:${userId}`);
    for (const k of keys)
      assert.ok(
        (await reserveQuota(db, { userId, jobId: randomUUID(), idempotencyKey: k, now: NOW })).ok,
      );
    const fourth = await reserveQuota(db, {
      userId,
      jobId: randomUUID(),
      idempotencyKey: `free:3:${userId}`,
      now: NOW,
    });
    assert.ok(!fourth.ok && fourth.denial.code === 'DAILY_JOB_LIMIT_REACHED');

    const released = await releaseReservation(db, keys[0]!, 'CLIENT_DISCONNECTED_EARLY', NOW);
    assert.equal(released.status, 'RELEASED');
    assert.equal(released.releaseReason, 'CLIENT_DISCONNECTED_EARLY');
    assert.equal(
      (await releaseReservation(db, keys[0]!, 'CLIENT_DISCONNECTED_EARLY', NOW)).id,
      released.id,
    );
    await assert.rejects(commitReservation(db, keys[0]!, NOW), ReservationStateError);
    assert.ok(
      (
        await reserveQuota(db, {
          userId,
          jobId: randomUUID(),
          idempotencyKey: `free:4:${userId}`,
          now: NOW,
        })
      ).ok,
    );

    const committed = await commitReservation(db, keys[1]!, NOW);
    assert.equal(committed.status, 'COMMITTED');
    assert.ok(committed.committedAt);
    assert.equal((await commitReservation(db, keys[1]!, NOW)).status, 'COMMITTED');
    await assert.rejects(
      releaseReservation(db, keys[1]!, 'JOB_FAILED_NON_BILLABLE', NOW),
      ReservationStateError,
    );
    await assert.rejects(commitReservation(db, 'no-such-key', NOW), /no reservation/);
  });

  void it('V1-FR-BIL-004: a held reservation counts against credits until commit; commit leaves only the ledger spend', async () => {
    const userId = await user('PLUS');
    const key = `hold:${userId}`;
    assert.ok(
      (await reserveQuota(db, { userId, jobId: randomUUID(), idempotencyKey: key, now: NOW })).ok,
    );
    assert.equal((await quotaState(db, userId, NOW)).remainingMilli, 270_000);
    await spend(userId, 4);
    await commitReservation(db, key, NOW);
    assert.equal((await quotaState(db, userId, NOW)).remainingMilli, 276_000);
  });

  void it('V1-FR-SUB-005: Free has no credit layer; paid tiers are refused below 10 C; a lapsed payment gates as Free', async () => {
    const free = await user('FREE');
    await spend(free, 5000);
    const f = await reserveQuota(db, {
      userId: free,
      jobId: randomUUID(),
      idempotencyKey: `f:${free}`,
      now: NOW,
    });
    assert.ok(f.ok);
    assert.equal(f.reservation.quantity, 0);

    const plus = await user('PLUS');
    await spend(plus, 271); // 9 C left < 10 C threshold
    const p = await reserveQuota(db, {
      userId: plus,
      jobId: randomUUID(),
      idempotencyKey: `p:${plus}`,
      now: NOW,
    });
    assert.ok(!p.ok);
    assert.equal(p.denial.code, 'INSUFFICIENT_MONTHLY_BALANCE');

    const lapsed = await user('MAX', { status: 'PAST_DUE' });
    const s = await quotaState(db, lapsed, NOW);
    assert.equal(s.tier, 'FREE');
    assert.equal(s.limits.dailyJobLimit, 3);
  });

  void it('V1-FR-SUB-006 / V1-FR-ROUTE-005: an advanced-run reservation for a phase the tier lacks is refused', async () => {
    const pro = await user('PRO');
    const r = await reserveQuota(db, {
      userId: pro,
      jobId: randomUUID(),
      idempotencyKey: `l3:${pro}`,
      phase: 3,
      now: NOW,
    });
    assert.ok(!r.ok);
    assert.equal(r.denial.code, 'PHASE_NOT_ENTITLED');
    const max = await user('MAX');
    const ok = await reserveQuota(db, {
      userId: max,
      jobId: randomUUID(),
      idempotencyKey: `l3:${max}`,
      phase: 3,
      now: NOW,
    });
    assert.ok(ok.ok);
    // Advanced runs are inside a started job: they do not use a daily slot.
    assert.equal((await quotaState(db, max, NOW)).jobsStartedToday, 0);
  });

  void it('V1-FR-SUB-004 add-ons: +25% scales monthly credits and the daily limit (rounded up), one per cycle, Plus gets none', async () => {
    const pro = await user('PRO');
    assert.deepEqual(await recordAddOn(db, pro, CYCLE, 25), { inserted: true });
    assert.deepEqual(await recordAddOn(db, pro, CYCLE, 50), { inserted: false });
    const s = await quotaState(db, pro, NOW);
    assert.equal(s.usage.addOnPercent, 25);
    assert.equal(s.limits.dailyJobLimit, 25);
    assert.equal(s.limits.monthlyMilli, 812_500);

    const plus = await user('PLUS');
    await recordAddOn(db, plus, CYCLE, 50); // a stray row cannot grant Plus anything
    const p = await quotaState(db, plus, NOW);
    assert.equal(p.limits.dailyJobLimit, 8);
    assert.equal(p.limits.monthlyMilli, 280_000);

    // Next cycle: the add-on does not carry over.
    const next = await quotaState(db, pro, new Date('2026-04-02T00:00:00Z'));
    assert.equal(next.subscription.cycleStart.toISOString(), CYCLE.start.toISOString()); // row not refreshed yet
    const later = await usageSummary(db, pro, NOW);
    assert.equal(later.display?.add_on.active_percent, 25);
    assert.equal(later.display?.add_on.action, 'BUY_ADD_ON');
    assert.equal((await usageSummary(db, plus, NOW)).display?.add_on.action, 'UPGRADE_TO_PRO');
  });

  void it('V1-FR-OPS-003 credit adjustments change the monthly total once per key', async () => {
    const pro = await user('PRO');
    const key = `adj:${randomUUID()}`;
    assert.deepEqual(
      await recordCreditAdjustment(db, {
        userId: pro,
        deltaCredits: 50,
        idempotencyKey: key,
        recordedAt: NOW,
      }),
      { inserted: true },
    );
    assert.deepEqual(
      await recordCreditAdjustment(db, {
        userId: pro,
        deltaCredits: 50,
        idempotencyKey: key,
        recordedAt: NOW,
      }),
      { inserted: false },
    );
    assert.equal((await quotaState(db, pro, NOW)).limits.monthlyMilli, 700_000);
  });

  void it('V1-FR-SUB-003: the summary shows percentages and the typical-refactors proxy (25 C default, then the 7-day average)', async () => {
    const pro = await user('PRO');
    await spend(pro, 195); // 30 % of 650
    const s = await usageSummary(db, pro, NOW);
    assert.equal(s.phase_1.reset_type, 'monthly');
    assert.equal(s.phase_1.used, 195);
    assert.equal(s.phase_3.limit, 0);
    assert.equal(s.display?.monthly?.used_percent, 30);
    assert.equal(s.display?.monthly?.typical_refactors_remaining, 18); // 455 C / 25 C
    assert.equal(s.display?.daily.reset_at, nextUtcMidnight(NOW).toISOString());

    // One completed job that cost 91 C in the last week: 364 C left → 4 typical refactors.
    const jobId = randomUUID();
    assert.ok(
      (await reserveQuota(db, { userId: pro, jobId, idempotencyKey: `avg:${jobId}`, now: NOW })).ok,
    );
    await spend(pro, 91, 2, jobId);
    await commitReservation(db, `avg:${jobId}`, NOW);
    const after = await usageSummary(db, pro, NOW);
    assert.equal(after.display?.monthly?.typical_refactors_remaining, 4);
    assert.equal(after.phase_2.used, 91);

    const free = await usageSummary(db, await user('FREE'), NOW);
    assert.equal(free.phase_1.reset_type, 'daily');
    assert.equal(free.phase_1.limit, 3);
    assert.equal(free.display?.monthly, null);
  });

  void it('V1-FR-PAY-006: 80 % and 100 % watermarks are recorded once each per cycle', async () => {
    const plus = await user('PLUS');
    await spend(plus, 230); // 82 %
    const k1 = `w1:${plus}`;
    assert.ok(
      (await reserveQuota(db, { userId: plus, jobId: randomUUID(), idempotencyKey: k1, now: NOW }))
        .ok,
    );
    await commitReservation(db, k1, NOW);
    const k2 = `w2:${plus}`;
    assert.ok(
      (await reserveQuota(db, { userId: plus, jobId: randomUUID(), idempotencyKey: k2, now: NOW }))
        .ok,
    );
    await commitReservation(db, k2, NOW);
    const events = () =>
      db
        .selectFrom('audit_events')
        .select('metadata')
        .where('event_type', '=', WATERMARK_EVENT)
        .where('actor_id', '=', plus)
        .execute();
    assert.deepEqual(
      (await events()).map((e) => (e.metadata as { threshold_percent: number }).threshold_percent),
      [80],
    );
    await spend(plus, 50);
    const k3 = `w3:${plus}`;
    // Below 10 C now: refused, and nothing is recorded by a refusal.
    assert.ok(
      !(await reserveQuota(db, { userId: plus, jobId: randomUUID(), idempotencyKey: k3, now: NOW }))
        .ok,
    );
    // A ledger writer reports the crossing after its metered call; a repeat records nothing.
    assert.deepEqual(await recordWatermarks(db, plus, NOW), [100]);
    assert.deepEqual(await recordWatermarks(db, plus, NOW), []);
    const summary = await usageSummary(db, plus, NOW);
    assert.deepEqual(summary.display?.watermarks_recorded, [80, 100]);
    assert.deepEqual(summary.display?.monthly?.watermarks_crossed, [80, 100]);
    assert.equal(summary.display?.monthly?.remaining_percent, 0);
    // Free has no monthly layer and never records a watermark.
    assert.deepEqual(await recordWatermarks(db, await user('FREE'), NOW), []);
  });

  void it('V1-FR-PAY-003: the cycle refresh moves ended cycles once, with an audit event, and resets consumption', async () => {
    const ended = {
      start: new Date('2026-01-15T00:00:00Z'),
      end: new Date('2026-02-15T00:00:00Z'),
    };
    const pro = await user('PRO', { cycle: ended });
    const cancelled = await user('PRO', { cycle: ended, status: 'CANCELLED' });
    const at = new Date('2026-03-20T00:00:00Z');
    const moved = await refreshDueCycles(db, at);
    const mine = moved.find((m) => m.userId === pro);
    assert.ok(mine);
    assert.equal(mine.newStart, '2026-03-15T00:00:00.000Z');
    assert.equal(mine.newEnd, '2026-04-15T00:00:00.000Z');
    assert.ok(!moved.some((m) => m.userId === cancelled));
    assert.ok(!(await refreshDueCycles(db, at)).some((m) => m.userId === pro));
    const audit = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('id', '=', mine.auditEventId)
      .executeTakeFirstOrThrow();
    assert.equal(audit.event_type, 'quota.cycle_refreshed');
    assert.equal(audit.surface, 'SYSTEM');
    const s = await quotaState(db, pro, at);
    assert.equal(s.usage.consumedMilli, 0);
  });
});
