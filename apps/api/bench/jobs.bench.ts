/**
 * @module Job API under load (issue #6 "Done means"; ARCHITECTURE §5: prints, asserts nothing).
 * Real HTTP against the real app on a scratch database:
 * - `GET /api/v1/jobs/:job_id` p99 with 200 concurrent pollers (target ≤ 10 ms; spec median 500 ms),
 *   each request verifying an RS256 token, reading the identity and the job view (two queries);
 * - state-change-to-client SSE latency p95 (target ≤ 100 ms; spec 2 s): a `refactor_jobs.status`
 *   write is turned into a `state_change` row by the trigger, NOTIFY wakes the stream, the client
 *   parses the event — with 200 streams open, measured from just before the UPDATE is sent.
 * Client and server share this process (and its 2 cores), so numbers include client-side queueing.
 */
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { createDb, migrate, withPostgresServer, withScratchDatabase } from '@iama/db';
import { buildApp } from '../src/app';
import { createTestUser } from '../test/support/auth';
import { percentile as pct } from '@iama/devstack';

const POLLERS = Number(process.env.BENCH_POLLERS ?? 200);
const POLLS_PER_CLIENT = Number(process.env.BENCH_POLLS ?? 25);
const STREAMS = Math.min(POLLERS, 200);
const STATE_CHANGES = 200;
const STATES = [
  'QUOTA_RESERVING',
  'ANALYZING',
  'WAITING_STRATEGY',
  'WAITING_SPEC_APPROVAL',
] as const;

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
      jobs: { databaseUrl: url },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/v1/jobs`;
    const users = await Promise.all(
      Array.from({ length: POLLERS }, () => createTestUser(db, { tier: 'PRO' })),
    );
    const jobs = await Promise.all(
      users.map(async (u) => {
        const row = await db
          .insertInto('refactor_jobs')
          .values({
            owner_id: u.userId,
            execution_mode: 'LOCAL_NATIVE',
            target_paths: ['src/a.py'],
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        return { user: u, jobId: row.id };
      }),
    );

    // ---- GET /jobs/:job_id at 200 concurrent pollers
    const get = async (j: (typeof jobs)[number]) => {
      const t0 = performance.now();
      const res = await fetch(`${base}/${j.jobId}`, { headers: j.user.headers });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      return performance.now() - t0;
    };
    for (let i = 0; i < 200; i++) await get(jobs[i % POLLERS]!);
    const single: number[] = [];
    for (let i = 0; i < 500; i++) single.push(await get(jobs[i % POLLERS]!));
    const all: number[] = [];
    const t0 = performance.now();
    await Promise.all(
      jobs.map(async (j) => {
        for (let i = 0; i < POLLS_PER_CLIENT; i++) all.push(await get(j));
      }),
    );
    const wall = performance.now() - t0;
    console.log(
      `GET /api/v1/jobs/:job_id, 1 poller:    p50 ${pct(single, 50).toFixed(2)} ms  p99 ${pct(single, 99).toFixed(2)} ms  (${single.length} requests)`,
    );
    console.log(
      `GET /api/v1/jobs/:job_id, ${POLLERS} pollers: p50 ${pct(all, 50).toFixed(2)} ms  p95 ${pct(all, 95).toFixed(2)} ms  p99 ${pct(all, 99).toFixed(2)} ms  ` +
        `(${all.length} requests, ${((all.length / wall) * 1000).toFixed(0)} req/s; target p99 ≤ 10 ms, spec median 500 ms)`,
    );

    // ---- SSE state change → client, with 200 streams open
    const arrivals = new Map<string, (at: number) => void>();
    const controllers: AbortController[] = [];
    const streams = jobs.slice(0, STREAMS).map(async (j) => {
      const ctrl = new AbortController();
      controllers.push(ctrl);
      const res = await fetch(`${base}/${j.jobId}/logs`, {
        headers: j.user.headers,
        signal: ctrl.signal,
      });
      const decoder = new TextDecoder();
      let buffer = '';
      let ready!: () => void;
      const opened = new Promise<void>((r) => (ready = r));
      const pump = (async () => {
        try {
          for await (const chunk of res.body!) {
            buffer += decoder.decode(chunk as Uint8Array, { stream: true });
            let sep: number;
            while ((sep = buffer.indexOf('\n\n')) >= 0) {
              const block = buffer.slice(0, sep);
              buffer = buffer.slice(sep + 2);
              const data = block.split('\n').find((l) => l.startsWith('data: '));
              if (!data) continue;
              const ev = JSON.parse(data.slice(6)) as { event: string; state?: string };
              if (ev.event !== 'state_change') continue;
              if (ev.state === 'PENDING') ready();
              arrivals.get(`${j.jobId}:${ev.state}`)?.(performance.now());
            }
          }
        } catch {
          /* aborted */
        }
      })();
      await opened;
      // Wrapped: returning the promise itself would make this wait for the stream to end.
      return { pump };
    });
    const pumps = (await Promise.all(streams)).map((s) => s.pump);
    const latencies: number[] = [];
    for (let i = 0; i < STATE_CHANGES; i++) {
      const j = jobs[i % STREAMS]!;
      const state = STATES[Math.floor(i / STREAMS) % STATES.length]!;
      const seen = new Promise<number>((r) => arrivals.set(`${j.jobId}:${state}`, r));
      const sent = performance.now();
      await db
        .updateTable('refactor_jobs')
        .set({ status: state })
        .where('id', '=', j.jobId)
        .execute();
      latencies.push((await seen) - sent);
    }
    console.log(
      `SSE state change → client (${STREAMS} open streams): p50 ${pct(latencies, 50).toFixed(2)} ms  p95 ${pct(latencies, 95).toFixed(2)} ms  ` +
        `max ${Math.max(...latencies).toFixed(2)} ms  (${latencies.length} changes; target p95 ≤ 100 ms, spec 2 s)`,
    );
    for (const c of controllers) c.abort();
    await Promise.all(pumps);
    await app.close();
    await connection.close();
    await close();
  }),
);
