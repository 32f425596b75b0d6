/**
 * @module Reservation decisions under contention (issue #5 "Done means": latency under 50
 * concurrent starts, target p95 ≤ 20 ms, spec allows 300 ms; ARCHITECTURE §5: prints, asserts
 * nothing). `reserveQuota` on real PostgreSQL, on a scratch database: the same user starting 50
 * jobs at once (all serialized on one advisory lock), 50 users starting one job each, and 100
 * starts of one user against a daily limit, reporting how many were granted.
 * Uses `DATABASE_URL` or a temporary embedded server.
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import type { Kysely } from 'kysely';
import type { Tier } from '@iama/contracts';
import {
  createDb,
  migrate,
  withScratchDatabase,
  withPostgresServer,
  type Database,
} from '@iama/db';
import { reserveQuota } from '../src/quota';
import { percentile as pct } from '@iama/devstack';

const CONCURRENT = 50;
const ROUNDS = 8;
const POOL = 20;

const ms = (x: number) => `${x.toFixed(2)} ms`;

async function user(db: Kysely<Database>, tier: Tier): Promise<string> {
  const u = await db
    .insertInto('users')
    .values({ email: `${randomUUID()}@bench.test` })
    .returning('id')
    .executeTakeFirstOrThrow();
  const now = new Date();
  await db
    .insertInto('subscription_tiers')
    .values({
      user_id: u.id,
      tier,
      status: 'ACTIVE',
      context_cap: 200000,
      operating_mode: 'PROFESSIONAL',
      billing_cycle_start: new Date(now.getTime() - 86_400_000),
      billing_cycle_end: new Date(now.getTime() + 29 * 86_400_000),
    })
    .execute();
  return u.id;
}

async function burst(db: Kysely<Database>, userIds: string[]) {
  const latencies: number[] = [];
  const t0 = performance.now();
  const results = await Promise.all(
    userIds.map(async (userId) => {
      const jobId = randomUUID();
      const s = performance.now();
      const r = await reserveQuota(db, { userId, jobId, idempotencyKey: `bench:${jobId}` });
      latencies.push(performance.now() - s);
      return r.ok;
    }),
  );
  return { latencies, wallMs: performance.now() - t0, granted: results.filter(Boolean).length };
}

function report(label: string, latencies: number[], wallMs: number, decisions: number) {
  console.log(
    `${label}: ${decisions} decisions, p50 ${ms(pct(latencies, 50))}, p95 ${ms(pct(latencies, 95))}, p99 ${ms(pct(latencies, 99))}, max ${ms(Math.max(...latencies))}, throughput ${Math.round((decisions / wallMs) * 1000)}/s`,
  );
}

await withPostgresServer((serverUrl) =>
  withScratchDatabase(serverUrl, 'iama_t', async (url) => {
    await migrate(url, { direction: 'up' });
    const { db, close } = createDb(url, POOL);
    console.log(
      `machine: ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)}; pool ${POOL} connections`,
    );

    // Warm-up: connections, plans.
    await burst(db, await Promise.all(Array.from({ length: 20 }, () => user(db, 'MAX'))));

    // Service time of one decision with nothing queued ahead of it (one caller at a time).
    const single: number[] = [];
    const solo = await user(db, 'MAX');
    const soloStart = performance.now();
    for (let i = 0; i < 200; i++) {
      const jobId = randomUUID();
      const userId = i % 2 ? solo : await user(db, 'PRO');
      const s0 = performance.now();
      await reserveQuota(db, { userId, jobId, idempotencyKey: `solo:${jobId}` });
      single.push(performance.now() - s0);
    }
    report(
      'one decision at a time (service time)',
      single,
      performance.now() - soloStart,
      single.length,
    );

    const sameUser: number[] = [];
    let sameWall = 0;
    let granted = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const id = await user(db, 'MAX'); // daily limit 40: 40 granted, 10 denied per round
      const b = await burst(
        db,
        Array.from({ length: CONCURRENT }, () => id),
      );
      sameUser.push(...b.latencies);
      sameWall += b.wallMs;
      granted += b.granted;
    }
    report(
      `one user, ${CONCURRENT} concurrent starts (contended lock), ${ROUNDS} rounds`,
      sameUser,
      sameWall,
      sameUser.length,
    );
    console.log(
      `  granted ${granted} of ${sameUser.length} (expected ${ROUNDS * 40}: MAX daily limit 40)`,
    );

    const manyUsers: number[] = [];
    let manyWall = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const ids = await Promise.all(Array.from({ length: CONCURRENT }, () => user(db, 'PRO')));
      const b = await burst(db, ids);
      manyUsers.push(...b.latencies);
      manyWall += b.wallMs;
    }
    report(
      `${CONCURRENT} users, one start each (no contention), ${ROUNDS} rounds`,
      manyUsers,
      manyWall,
      manyUsers.length,
    );

    const limited = await user(db, 'PLUS'); // daily limit 8, 280 C: 8 granted
    const hundred = await burst(
      db,
      Array.from({ length: 100 }, () => limited),
    );
    report('one Plus user, 100 concurrent starts', hundred.latencies, hundred.wallMs, 100);
    const rows = await db
      .selectFrom('quota_reservations')
      .select(db.fn.countAll().as('n'))
      .where('user_id', '=', limited)
      .executeTakeFirstOrThrow();
    console.log(`  granted ${hundred.granted}, reservation rows ${String(rows.n)} (daily limit 8)`);
    await close();
  }),
);
