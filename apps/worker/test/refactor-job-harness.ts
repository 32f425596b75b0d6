/**
 * @module Shared set-up of the refactor-job workflow tests (issue #6): a scratch PostgreSQL
 * database, the real Temporal dev server with a unique task queue per worker, the IAMA Router
 * through the real LiteLLM Proxy in front of the fixture model, and a client runner that does
 * what the IDE does (ARCHITECTURE D5): it reads `test_requested` from the job's stream, runs the
 * tests with `node --test` in a temporary copy, and completes the waiting activity.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { createDb, migrate, withScratchDatabase, type Database } from '@iama/db';
import { requireTestStack } from '@iama/devstack';
import { fixtureRoutes } from '@iama/devstack/litellm';
import type { IamaRouter } from '@iama/llm';
import { seedModelRoutes } from '@iama/llm/postgres';
import type { Tier } from '@iama/contracts';
import {
  completeTestRun,
  createActivities,
  createIamaWorker,
  createWorkerRouter,
  loadRouterConfig,
  findAwaitedTestRun,
  jobStateQuery,
  refactorJobWorkflowId,
  REFACTOR_JOB_WORKFLOW_TYPE,
  type RefactorJobInput,
  type RefactorJobView,
  type SourceFile,
  type TestRunReport,
} from '../src/index';
import type { RefactorJobDeps } from '../src/activities/refactor-job';

export const CONFIRMATION_KEY = 'refactor-job-test-confirmation-key';

/** The bundled legacy example: `src/order.js`, whose fingerprint the fixture's patch answers name. */
export const LEGACY_ORDER =
  'function total(order) {\n  let sum = 0;\n  for (const item of order.items) {\n    sum = sum + item.price;\n  }\n  return sum;\n}\n\nmodule.exports = { total };\n';
export const TARGET_FILES: SourceFile[] = [{ path: 'src/order.js', content: LEGACY_ORDER }];

export type Harness = {
  db: Kysely<Database>;
  client: Client;
  router: IamaRouter;
  worker(
    directives?: RefactorJobDeps['promptDirectives'],
  ): Promise<{ taskQueue: string; stop(): Promise<void> }>;
  newJob(tier: Tier, subscriptionStatus?: string): Promise<{ jobId: string; ownerId: string }>;
  stop(): Promise<void>;
};

export async function useHarness(): Promise<Harness> {
  const env = requireTestStack();
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let opened!: (url: string) => void;
  const urlP = new Promise<string>((r) => (opened = r));
  const held = withScratchDatabase(env.databaseUrl, 'iama_t', async (url) => {
    opened(url);
    await released;
  });
  const url = await Promise.race([
    urlP,
    held.then(() => Promise.reject(new Error('scratch database closed early'))),
  ]);
  await migrate(url, { direction: 'up' });
  const { db, pool, close } = createDb(url, 6);
  // Dropping the scratch database WITH (FORCE) ends idle pooled connections (57P01); anything else is real.
  pool.on('error', (e: Error & { code?: string }) => {
    if (e.code !== '57P01') throw e;
  });
  await seedModelRoutes(
    db,
    fixtureRoutes(process.env.FIXTURE_MODEL_URL ?? ''),
    'refactor-job tests: fixture routes',
  );
  const { router, issueConfirmation } = await createWorkerRouter({
    db,
    config: {
      ...loadRouterConfig({ LITELLM_BASE_URL: env.litellmBaseUrl }),
      confirmationKeyRef: 'env:IAMA_TEST_CONFIRMATION_KEY',
    },
    env: { IAMA_TEST_CONFIRMATION_KEY: CONFIRMATION_KEY },
    tuning: { retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 } },
  });
  const connection = await Connection.connect({ address: env.temporalAddress });
  const native = await NativeConnection.connect({ address: env.temporalAddress });
  const client = new Client({ connection });
  const workers: { worker: Worker; running: Promise<void> }[] = [];
  return {
    db,
    client,
    router,
    async worker(directives) {
      const taskQueue = `test-refactor-job-${randomUUID()}`;
      const worker = await createIamaWorker({
        connection: native,
        namespace: 'default',
        taskQueue,
        activities: createActivities({
          db,
          router,
          issueConfirmation,
          ...(directives ? { promptDirectives: directives } : {}),
        }),
      });
      const entry = { worker, running: worker.run() };
      workers.push(entry);
      return {
        taskQueue,
        stop: async () => {
          if (worker.getState() === 'RUNNING') worker.shutdown();
          await entry.running;
        },
      };
    },
    async newJob(tier, subscriptionStatus = 'ACTIVE') {
      const user = await db
        .insertInto('users')
        .values({ email: `${randomUUID()}@example.test` })
        .returning('id')
        .executeTakeFirstOrThrow();
      const now = new Date();
      await db
        .insertInto('subscription_tiers')
        .values({
          user_id: user.id,
          tier,
          status: subscriptionStatus,
          context_cap: 128_000,
          operating_mode: 'SIMPLE',
          billing_cycle_start: now,
          billing_cycle_end: new Date(now.getTime() + 30 * 86_400_000),
        })
        .execute();
      const job = await db
        .insertInto('refactor_jobs')
        .values({
          owner_id: user.id,
          execution_mode: 'LOCAL_NATIVE',
          target_paths: ['src/order.js'],
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { jobId: job.id, ownerId: user.id };
    },
    async stop() {
      for (const w of workers) {
        if (w.worker.getState() === 'RUNNING') w.worker.shutdown();
        await w.running.catch(() => {});
      }
      await native.close();
      await connection.close();
      await close();
      release();
      await held;
    },
  };
}

export function jobInput(
  job: { jobId: string; ownerId: string },
  extra: Partial<RefactorJobInput> = {},
): RefactorJobInput {
  return {
    jobId: job.jobId,
    ownerId: job.ownerId,
    executionMode: 'LOCAL_NATIVE',
    sessionId: `session-${job.jobId}`,
    targetFiles: TARGET_FILES,
    ...extra,
  };
}

export async function startJob(
  h: Harness,
  taskQueue: string,
  input: RefactorJobInput,
): Promise<WorkflowHandle> {
  return h.client.workflow.start(REFACTOR_JOB_WORKFLOW_TYPE, {
    taskQueue,
    workflowId: refactorJobWorkflowId(input.jobId),
    args: [input],
  });
}

/** Polls the `jobState` query until `pred` holds (state waits only; tests never assert on time). */
export async function waitFor(
  handle: WorkflowHandle,
  pred: (v: RefactorJobView) => boolean,
  what: string,
  limitMs = 60_000,
): Promise<RefactorJobView> {
  const until = Date.now() + limitMs;
  let last: RefactorJobView | undefined;
  while (Date.now() < until) {
    last = await handle.query(jobStateQuery);
    if (pred(last)) return last;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(
    `timed out waiting for ${what}; last view: ${JSON.stringify({ status: last?.status, awaiting: last?.awaiting, failureReason: last?.failureReason })}`,
  );
}

const REPORTER = `export default async function* reporter(source) {
  const tests = [];
  for await (const ev of source) {
    if (ev.type !== 'test:pass' && ev.type !== 'test:fail') continue;
    if (ev.data.details && ev.data.details.type === 'suite') continue;
    const err = ev.data.details && ev.data.details.error;
    const cause = err && err.cause ? err.cause : err;
    let location = null;
    if (ev.type === 'test:fail') {
      const frame = String((cause && cause.stack) || '').split('\\n').find((l) => ev.data.file && l.includes(ev.data.file));
      const m = frame && frame.match(/:(\\d+):(\\d+)\\)?$/);
      location = { file: ev.data.file, line: m ? Number(m[1]) : ev.data.line ?? null, column: m ? Number(m[2]) : null };
    }
    tests.push({
      name: ev.data.name,
      status: ev.type === 'test:pass' ? 'PASSED' : 'FAILED',
      errorClass: ev.type === 'test:fail' ? (cause && cause.name) || 'Error' : null,
      location,
      excerpt: ev.type === 'test:fail' ? String((cause && cause.message) || '').slice(0, 500) : null,
      durationMs: Math.round((ev.data.details && ev.data.details.duration_ms) || 0),
    });
  }
  yield JSON.stringify(tests) + '\\n';
}
`;

const childEnv = () => {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  return env;
};

type TestRequest = {
  test_run_id: string;
  attempt_number: number;
  test_files: SourceFile[];
  source_files: SourceFile[];
  timeout_seconds: number | null;
};

/** Runs one requested test run for real: legacy copy + patched files + tests, `node --test`. */
export async function runRequestedTests(
  req: TestRequest,
  legacy: SourceFile[] = TARGET_FILES,
): Promise<TestRunReport> {
  const dir = await mkdtemp(join(tmpdir(), 'iama-client-run-'));
  const started = new Date();
  try {
    const files = new Map<string, string>();
    for (const f of [...legacy, ...req.source_files, ...req.test_files])
      files.set(f.path, f.content);
    for (const [path, content] of files) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    await writeFile(join(dir, 'iama-reporter.mjs'), REPORTER);
    const timeoutMs = (req.timeout_seconds ?? 30) * 1000;
    const { stdout, code, timedOut } = await new Promise<{
      stdout: string;
      code: number | null;
      timedOut: boolean;
    }>((resolve) => {
      execFile(
        process.execPath,
        ['--test', '--test-reporter=./iama-reporter.mjs', ...req.test_files.map((f) => f.path)],
        // Without NODE_TEST_CONTEXT: a `node --test` parent would otherwise capture the child's report.
        { cwd: dir, timeout: timeoutMs, env: childEnv() },
        (err, out) => {
          const e = err as
            (NodeJS.ErrnoException & { killed?: boolean; code?: number | string }) | null;
          resolve({
            stdout: out,
            code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
            timedOut: e?.killed === true,
          });
        },
      );
    });
    const line = stdout.trim().split('\n').pop() ?? '[]';
    const tests = (JSON.parse(line) as TestRunReport['tests']).map((t) => ({
      ...t,
      location: t.location
        ? { ...t.location, file: relative(dir, t.location.file.replace(/^file:\/\//, '')) }
        : null,
    }));
    return {
      testRunId: req.test_run_id,
      attemptNumber: req.attempt_number,
      executionMode: 'LOCAL_NATIVE',
      startedAt: started.toISOString(),
      durationMs: Date.now() - started.getTime(),
      exitCode: timedOut ? null : code,
      timedOut,
      infraError: null,
      tests,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The IDE's half of D5, for one job: follows `test_requested` events in `job_events`, runs each
 * run once, and completes the activity through the same functions the API's report endpoint uses.
 */
export function clientRunner(h: Harness, jobId: string) {
  let stopped = false;
  const seen = new Set<string>();
  const reports: TestRunReport[] = [];
  const loop = (async () => {
    while (!stopped) {
      const events = await h.db
        .selectFrom('job_events')
        .select(['seq', 'payload'])
        .where('job_id', '=', jobId)
        .where('event_type', '=', 'test_requested')
        .orderBy('seq')
        .execute();
      for (const e of events) {
        const req = e.payload as unknown as TestRequest;
        if (seen.has(req.test_run_id)) continue;
        seen.add(req.test_run_id);
        const awaited = await findAwaitedTestRun(h.db, jobId, req.test_run_id);
        if (!awaited) throw new Error(`no awaited run ${req.test_run_id}`);
        const report = await runRequestedTests(req);
        reports.push(report);
        await completeTestRun(h.client, awaited.taskToken, report, { db: h.db }).catch(() => {});
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    reports,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/** Prompt directives by schema family for the fixture model (ARCHITECTURE D7). */
export const directives =
  (byFamily: Partial<Record<string, string>>): RefactorJobDeps['promptDirectives'] =>
  ({ family }) =>
    byFamily[family] ? `fixture-scenario: ${byFamily[family]}` : undefined;

export async function auditTrail(
  db: Kysely<Database>,
  jobId: string,
): Promise<{ old_state: string | null; new_state: string | null; trigger: string }[]> {
  const rows = await db
    .selectFrom('audit_events')
    .select(['old_state', 'new_state', 'metadata', 'created_at'])
    .where('job_id', '=', jobId)
    .where('event_type', '=', 'job.state_transition')
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    old_state: r.old_state,
    new_state: r.new_state,
    trigger: (r.metadata as { trigger: string }).trigger,
  }));
}
