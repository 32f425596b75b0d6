/**
 * @module `GET /api/v1/subscription/me` under load (issue #5 "Done means": p99 at 200 concurrent
 * clients, target ≤ 10 ms; ARCHITECTURE §5: prints, asserts nothing). Real HTTP against the
 * real app on a scratch database: each request verifies an RS256 token and reads the identity
 * joined with `subscription_tiers` (one query). Uses `DATABASE_URL` or a temporary embedded server.
 */
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { createDb, migrate, withPostgresServer, withScratchDatabase } from '@iama/db';
import { buildApp } from '../src/app';
import { createTestUser } from '../test/support/auth';
import { percentile as pct } from '@iama/devstack';

const CLIENTS = 200;
const REQUESTS_PER_CLIENT = 10;
const WARMUP = 200;

await withPostgresServer((serverUrl) =>
  withScratchDatabase(serverUrl, 'iama_t', async (url) => {
    await migrate(url, { direction: 'up' });
    const { db, close } = createDb(url, 20);
    const connection = Connection.lazy({
      address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    });
    const app = await buildApp({
      db,
      temporal: new Client({ connection }),
      taskQueue: 'bench',
      healthProbeEnabled: false,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/v1/subscription/me`;
    const users = await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) =>
        createTestUser(db, { tier: (['FREE', 'PLUS', 'PRO', 'MAX'] as const)[i % 4] }),
      ),
    );
    const get = async (headers: Record<string, string>) => {
      const t0 = performance.now();
      const res = await fetch(base, { headers });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      return performance.now() - t0;
    };
    for (let i = 0; i < WARMUP; i++) await get(users[i % CLIENTS]!.headers);
    const single: number[] = [];
    for (let i = 0; i < 500; i++) single.push(await get(users[i % CLIENTS]!.headers));
    const all: number[] = [];
    const t0 = performance.now();
    await Promise.all(
      users.map(async (u) => {
        for (let i = 0; i < REQUESTS_PER_CLIENT; i++) all.push(await get(u.headers));
      }),
    );
    const wall = performance.now() - t0;
    console.log(
      `machine: ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} (numbers are only comparable on an idle machine)`,
    );
    console.log(
      `subscription/me, 1 client:   p50 ${pct(single, 50).toFixed(2)} ms  p99 ${pct(single, 99).toFixed(2)} ms  (${single.length} requests)`,
    );
    console.log(
      `subscription/me, ${CLIENTS} clients: p50 ${pct(all, 50).toFixed(2)} ms  p95 ${pct(all, 95).toFixed(2)} ms  p99 ${pct(all, 99).toFixed(2)} ms  ` +
        `(${all.length} requests, ${((all.length / wall) * 1000).toFixed(0)} req/s; target p99 ≤ 10 ms)`,
    );
    await app.close();
    await close();
    await connection.close().catch(() => undefined); // never connected: nothing to close
  }),
);
