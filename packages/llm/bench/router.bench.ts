/**
 * @module Router benchmark (issue #4 "Done means"; ARCHITECTURE §5: prints, asserts nothing).
 * 1. Router overhead per call excluding model time: every call runs through the real router
 *    against the fixture model; the time spent inside the provider stream (measured by wrapping
 *    `fetch`, from request start to the stream's end) is subtracted. Target p99 < 5 ms.
 *    The router is wired as the worker wires it (`@iama/llm/postgres` on a scratch database);
 *    time spent in those PostgreSQL writes is printed apart, so the number is the router's own.
 * 2. Abort-to-upstream-closed: a slow stream through the real LiteLLM Proxy is aborted; the
 *    fixture model records when its client hung up. Target < 1 s.
 */
import { loadavg } from 'node:os';
import { percentile as pct } from '@iama/devstack';
import { useModelProxy } from '@iama/devstack/model-proxy';
import { fixtureRoutes } from '@iama/devstack/litellm';
import type { RecordedRequest } from '@iama/fixture-model';
import type { Slice } from '@iama/context';
import {
  createRouter,
  envSecrets,
  type EntitlementSnapshot,
  type RouteRecord,
  type RouterOptions,
} from '../src/index';
import {
  dynamicConfigRoutes,
  pgAudit,
  pgLedger,
  pgProviderStatus,
  pgRouteRecords,
  seedModelRoutes,
} from '../src/postgres/index';
import { useScratchDatabase } from '../test/harness';

const fmt = (n: number) => n.toFixed(2);

// Model time = from fetch() start until the response body is fully read (or cancelled).
let modelMs = 0;
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const t0 = performance.now();
  const res = await realFetch(input, init);
  if (!res.body || !String(input).endsWith('/chat/completions')) {
    modelMs += performance.now() - t0;
    return res;
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let counted = false;
  // The router returns on `data: [DONE]` without waiting for end-of-body, so stop the clock there.
  const stop = () => {
    if (!counted) modelMs += performance.now() - t0;
    counted = true;
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const r = await reader.read();
      if (r.done) {
        stop();
        controller.close();
        return;
      }
      if (decoder.decode(r.value, { stream: true }).includes('[DONE]')) stop();
      controller.enqueue(r.value);
    },
    async cancel(reason) {
      stop();
      await reader.cancel(reason);
    },
  });
  return new Response(body, {
    status: res.status,
    statusText: res.statusText,
    headers: res.headers,
  });
};

// Time spent in the PostgreSQL adapters (ledger, audit, route record writes).
let dbMs = 0;
const timed =
  <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
  async (...args: A): Promise<R> => {
    const t0 = performance.now();
    try {
      return await fn(...args);
    } finally {
      dbMs += performance.now() - t0;
    }
  };

// Timings are only as good as the machine is quiet: say how busy it was.
console.log(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')} (1 / 5 / 15 min)`,
);
const models = await useModelProxy();
const scratch = await useScratchDatabase();
try {
  const { db } = scratch;
  await seedModelRoutes(db, fixtureRoutes(models.fixtureUrl));
  const user = await db
    .insertInto('users')
    .values({ email: 'bench@example.test' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const job = await db
    .insertInto('refactor_jobs')
    .values({ owner_id: user.id, execution_mode: 'LOCAL_NATIVE', target_paths: ['src/target.ts'] })
    .returning('id')
    .executeTakeFirstOrThrow();
  const ledger = pgLedger(db);
  const audit = pgAudit(db);
  const records = pgRouteRecords(db);
  const ports = (): Pick<
    RouterOptions,
    'routes' | 'ledger' | 'audit' | 'records' | 'statusSink' | 'secrets' | 'confirmationKey'
  > => ({
    secrets: envSecrets(),
    routes: dynamicConfigRoutes(db),
    ledger: { record: timed(ledger.record), jobCredits: timed(ledger.jobCredits) },
    audit: { record: timed(audit.record) },
    records: timed(async (r: RouteRecord) => records(r)),
    statusSink: pgProviderStatus(db),
    confirmationKey: 'bench',
  });
  const snapshot: EntitlementSnapshot = {
    jobId: job.id,
    userId: user.id,
    tier: 'PRO',
    operatingMode: 'PROFESSIONAL',
    phases: [1, 2],
    contextCap: 200_000,
  };
  const dep = (i: number): Slice => ({
    id: `src/dep${i}.ts#f${i}`,
    path: `src/dep${i}.ts`,
    role: 'dependency',
    text: `export function f${i}(a: number, b: string): Promise<Result<${i}>>;`,
    critical: true,
    complete: true,
    pruned: false,
    depth: 1,
    reasons: [{ kind: 'imported-symbol', by: 'src/target.ts', symbol: `f${i}`, depth: 1 }],
  });
  const target: Slice = {
    id: 'src/target.ts',
    path: 'src/target.ts',
    role: 'target',
    text: 'export function total(items) {\n  let s = 0;\n  for (const i of items) s += i.price;\n  return s;\n}\n'.repeat(
      40,
    ),
    critical: true,
    complete: true,
    pruned: false,
    depth: 0,
    reasons: [{ kind: 'target' }],
  };
  const slices = [...Array.from({ length: 40 }, (_, i) => dep(i)), target];
  const spec =
    'Scenario: totals add up item prices\n  Given items\n  When totalled\n  Then the sum is returned\n'.repeat(
      30,
    );

  // 1. Overhead, against the fixture model directly so model time is small and stable.
  const router = createRouter({ proxyUrl: models.fixtureUrl, ...ports() });
  const overhead: number[] = [];
  const withDb: number[] = [];
  // CPU time of this process per call: what the router costs, independent of how busy the machine is.
  const cpu: number[] = [];
  const N = 300;
  for (let i = 0; i < N + 30; i++) {
    modelMs = 0;
    dbMs = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await router.call({
      snapshot,
      stage: 'refactor_generation',
      attemptNumber: i + 1,
      sessionId: 'bench',
      family: 'patch_edit',
      prompt: { slices, approvedSpec: spec, task: 'refactor total()', errorOutput: `run ${i}` },
    });
    const total = performance.now() - t0;
    const used = process.cpuUsage(c0);
    // The first 30 warm the JIT and the connection pools.
    if (i >= 30) {
      overhead.push(total - modelMs - dbMs);
      withDb.push(total - modelMs);
      cpu.push((used.user + used.system) / 1000);
    }
  }
  console.log(
    `router overhead per call excluding model time (n=${N}, ${slices.length} slices, ~${Math.round(JSON.stringify({ slices, spec }).length / 4)} prompt tokens): p50 ${fmt(pct(overhead, 50))} ms, p99 ${fmt(pct(overhead, 99))} ms, max ${fmt(Math.max(...overhead))} ms (target p99 < 5 ms)`,
  );
  console.log(
    `  the same including the PostgreSQL writes (ledger row + route record per call): p50 ${fmt(pct(withDb, 50))} ms, p99 ${fmt(pct(withDb, 99))} ms, max ${fmt(Math.max(...withDb))} ms`,
  );
  console.log(
    `  CPU time of this process per call (router + pg client + HTTP client${models.owned ? ' + the in-process fixture model' : ''}): p50 ${fmt(pct(cpu, 50))} ms, p99 ${fmt(pct(cpu, 99))} ms`,
  );

  // 2. Abort → upstream closed, through the real LiteLLM Proxy.
  const viaProxy = createRouter({ proxyUrl: models.proxyUrl, ...ports() });
  const closeLatency: number[] = [];
  const settleLatency: number[] = [];
  for (let i = 0; i < 10; i++) {
    const tag = `abort-bench-${Date.now()}-${i}`;
    const ac = new AbortController();
    let abortedAt = 0;
    await viaProxy
      .call({
        snapshot,
        stage: 'refactor_generation',
        attemptNumber: 10_000 + i,
        sessionId: 'bench-abort',
        family: 'patch_edit',
        signal: ac.signal,
        onProgress: (e) => {
          if (e.type === 'streaming' && !abortedAt) {
            abortedAt = Date.now();
            ac.abort({ failureClass: 'CLIENT_DISCONNECTED' });
          }
        },
        prompt: { task: `${tag}\nfixture-scenario: slow_stream chunks=40 delay_ms=150` },
      })
      .catch(() => {});
    settleLatency.push(Date.now() - abortedAt);
    let closedAt: number | undefined;
    for (let k = 0; k < 100 && closedAt === undefined; k++) {
      const log = (await (
        await realFetch(`${models.fixtureUrl}/fixture/requests`)
      ).json()) as RecordedRequest[];
      closedAt = log.find((r) => JSON.stringify(r.body).includes(tag))?.closedEarlyAt;
      if (closedAt === undefined) await new Promise((r) => setTimeout(r, 10));
    }
    closeLatency.push(closedAt === undefined ? Number.NaN : closedAt - abortedAt);
  }
  console.log(
    `abort → router call settled (n=10): p50 ${pct(settleLatency, 50)} ms, max ${Math.max(...settleLatency)} ms`,
  );
  console.log(
    `abort → upstream (fixture model) connection closed through LiteLLM (n=10): p50 ${pct(closeLatency, 50)} ms, max ${Math.max(...closeLatency)} ms (target < 1000 ms)`,
  );
} finally {
  await scratch.stop();
  await models.stop();
}
