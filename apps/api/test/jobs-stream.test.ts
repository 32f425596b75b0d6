/**
 * The job read endpoints and the live stream (issue #6): ownership on every route, the Job body
 * with its heartbeat fields, and `GET /api/v1/jobs/:job_id/logs` over real HTTP against a real
 * PostgreSQL — state changes written to `refactor_jobs` reach the client, `Last-Event-ID`
 * resumes on a second API instance built on the same database, tokens in the URL are refused,
 * and the stream keeps working when LISTEN is unavailable (polling).
 */
import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { Database } from '@iama/db';
import { jobEventSchema, jobSchema, type JobEvent } from '@iama/contracts';
import { appendJobEvent, readJobEvents } from '../src/jobs/event-store';
import { createTestUser, type TestUser } from './support/auth';
import { Client, Connection } from '@temporalio/client';
import { requireTestStack } from '@iama/devstack';
import { buildApp, type AppDeps } from '../src/app';
import { createScratchDb, type ScratchDb } from './support/db';

type SseMessage = { id: string | null; data: unknown; comment: boolean };

/** A minimal SSE reader over fetch (what the IDE uses: Authorization header, no EventSource). */
async function openStream(base: string, jobId: string, headers: Record<string, string>) {
  const ctrl = new AbortController();
  const res = await fetch(`${base}/api/v1/jobs/${jobId}/logs`, { headers, signal: ctrl.signal });
  const messages: SseMessage[] = [];
  const waiters: (() => void)[] = [];
  let buffer = '';
  const pump = (async () => {
    if (!res.body || res.status !== 200) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let sep: number;
        while ((sep = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, sep);
          buffer = buffer.slice(sep + 2);
          const lines = block.split('\n');
          if (lines.every((l) => l.startsWith(':'))) {
            messages.push({ id: null, data: null, comment: true });
          } else {
            const id = lines.find((l) => l.startsWith('id: '))?.slice(4) ?? null;
            const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
            if (data.length)
              messages.push({ id, data: JSON.parse(data.join('\n')), comment: false });
          }
          waiters.splice(0).forEach((w) => w());
        }
      }
    } catch {
      /* aborted */
    }
  })();
  const events = () => messages.filter((m) => !m.comment);
  return {
    res,
    messages,
    events,
    /** Resolves when `pred` holds over the received messages (the test runner's timeout bounds it). */
    async until(pred: (m: SseMessage[]) => boolean): Promise<void> {
      while (!pred(messages)) await new Promise<void>((r) => waiters.push(r));
    },
    async close() {
      ctrl.abort();
      await pump;
    },
  };
}

async function insertJob(
  db: Kysely<Database>,
  ownerId: string,
  status = 'PENDING',
): Promise<string> {
  const row = await db
    .insertInto('refactor_jobs')
    .values({
      owner_id: ownerId,
      status,
      execution_mode: 'LOCAL_NATIVE',
      target_paths: ['src/legacy.py'],
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const stateOf = (m: SseMessage) => (m.data as { event: string; state?: string }).state;

/** An API instance on the scratch database, listening on a free port (SSE needs real HTTP). */
async function startApi(
  scratch: ScratchDb,
  temporal: Client,
  jobs: AppDeps['jobs'],
): Promise<{ app: FastifyInstance; base: string }> {
  const app = await buildApp({
    db: scratch.db,
    temporal,
    taskQueue: `test-jobs-${randomUUID()}`,
    healthProbeEnabled: false,
    jobs,
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, base };
}

void describe('job read endpoints and live stream (issue #6; V1-FR-JOB-002, V1-FR-OBS-002, V2-FR-WF-004)', () => {
  const env = requireTestStack();
  let scratch: ScratchDb;
  let connection: Connection;
  let temporal: Client;
  let api: { app: FastifyInstance; base: string };
  let alice: TestUser;
  let bob: TestUser;

  before(async () => {
    scratch = await createScratchDb(env.databaseUrl);
    connection = Connection.lazy({ address: env.temporalAddress });
    temporal = new Client({ connection });
    api = await startApi(scratch, temporal, { databaseUrl: scratch.url, keepAliveMs: 300 });
    alice = await createTestUser(scratch.db);
    bob = await createTestUser(scratch.db);
  });
  after(async () => {
    await api.app.close();
    await connection.close();
    await scratch.drop();
  });

  void it('V1-FR-JOB-001/-002, invariant 6: GET /jobs/:job_id answers the Job body with heartbeat fields to its owner only', async () => {
    const jobId = await insertJob(scratch.db, alice.userId);
    const own = await api.app.inject({
      method: 'GET',
      url: `/api/v1/jobs/${jobId}`,
      headers: alice.headers,
    });
    assert.equal(own.statusCode, 200);
    const job = jobSchema.parse(own.json());
    assert.equal(job.status, 'PENDING');
    assert.deepEqual(
      [job.heartbeat_status, job.last_heartbeat_at, job.grace_deadline_at],
      [null, null, null],
    );
    assert.ok('heartbeat_status' in own.json());

    const foreign = await api.app.inject({
      method: 'GET',
      url: `/api/v1/jobs/${jobId}`,
      headers: bob.headers,
    });
    assert.equal(foreign.statusCode, 403);
    assert.equal(foreign.json().error_code, 'JOB_OWNERSHIP_VIOLATION');
    assert.equal(foreign.json().denial_reason, 'JOB_OWNERSHIP_VIOLATION');

    const missing = await api.app.inject({
      method: 'GET',
      url: `/api/v1/jobs/${randomUUID()}`,
      headers: alice.headers,
    });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error_code, 'JOB_NOT_FOUND');

    const bad = await api.app.inject({
      method: 'GET',
      url: '/api/v1/jobs/not-a-uuid',
      headers: alice.headers,
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error_code, 'VALIDATION_FAILED');

    const anonymous = await api.app.inject({ method: 'GET', url: `/api/v1/jobs/${jobId}` });
    assert.equal(anonymous.statusCode, 401);
  });

  void it('V1-FR-JOB-007: the heartbeat fields come from the latest heartbeat session', async () => {
    const jobId = await insertJob(scratch.db, alice.userId, 'REFACTORING');
    const deadline = new Date(Date.now() + 300_000);
    await scratch.db
      .insertInto('client_heartbeat_sessions')
      .values({
        job_id: jobId,
        session_id: 's1',
        workflow_run_id: 'r1',
        status: 'GRACE_PERIOD',
        grace_deadline_at: deadline,
      })
      .execute();
    const job = jobSchema.parse(
      (
        await api.app.inject({
          method: 'GET',
          url: `/api/v1/jobs/${jobId}`,
          headers: alice.headers,
        })
      ).json(),
    );
    assert.equal(job.heartbeat_status, 'GRACE_PERIOD');
    assert.equal(job.grace_deadline_at, deadline.toISOString());
    assert.ok(job.last_heartbeat_at);
  });

  void it("V1-FR-JOB-002: GET /jobs lists only the caller's jobs, pages and filters by status; bad query is VALIDATION_FAILED", async () => {
    const carol = await createTestUser(scratch.db);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(await insertJob(scratch.db, carol.userId, i === 0 ? 'DELIVERED' : 'PENDING'));
    await insertJob(scratch.db, bob.userId);
    const page = await api.app.inject({
      method: 'GET',
      url: '/api/v1/jobs?limit=2',
      headers: carol.headers,
    });
    assert.equal(page.statusCode, 200);
    const body = page.json();
    assert.equal(body.total, 3);
    assert.equal(body.items.length, 2);
    assert.equal(body.has_more, true);
    assert.ok(body.items.every((j: { job_id: string }) => ids.includes(j.job_id)));
    const delivered = (
      await api.app.inject({
        method: 'GET',
        url: '/api/v1/jobs?status=DELIVERED',
        headers: carol.headers,
      })
    ).json();
    assert.deepEqual(
      delivered.items.map((j: { job_id: string }) => j.job_id),
      [ids[0]],
    );
    assert.equal(delivered.has_more, false);
    for (const q of ['limit=0', 'limit=101', 'offset=-1', 'status=CANCELLED', 'extra=1']) {
      const res = await api.app.inject({
        method: 'GET',
        url: `/api/v1/jobs?${q}`,
        headers: carol.headers,
      });
      assert.equal(res.statusCode, 400, q);
      assert.equal(res.json().error_code, 'VALIDATION_FAILED', q);
    }
  });

  void it('event store: appends are validated against the contract union and ordered per job', async () => {
    const jobId = await insertJob(scratch.db, alice.userId);
    const ts = new Date().toISOString();
    const a = await appendJobEvent(scratch.db, jobId, {
      event: 'log_line',
      level: 'INFO',
      message: 'one',
      timestamp: ts,
    });
    const b = await appendJobEvent(scratch.db, jobId, {
      event: 'log_line',
      level: 'WARN',
      message: 'two',
      timestamp: ts,
    });
    assert.equal(b, a + 1);
    await assert.rejects(
      appendJobEvent(scratch.db, jobId, {
        event: 'log_line',
        level: 'LOUD',
        message: 'x',
        timestamp: ts,
      } as unknown as JobEvent),
    );
    await assert.rejects(
      appendJobEvent(scratch.db, randomUUID(), {
        event: 'log_line',
        level: 'INFO',
        message: 'orphan',
        timestamp: ts,
      }),
      /foreign key/,
    );
    const events = await readJobEvents(scratch.db, jobId, 0);
    // seq 1 is the trigger's PENDING state_change written with the row.
    assert.deepEqual(
      events.map((e) => e.event.event),
      ['state_change', 'log_line', 'log_line'],
    );
    for (const e of events) jobEventSchema.parse(e.event);
  });

  void it('V1-FR-OBS-002: every status write reaches the stream as state_change, other events follow in order, keep-alives flow', async () => {
    const jobId = await insertJob(scratch.db, alice.userId);
    const s = await openStream(api.base, jobId, alice.headers);
    try {
      assert.equal(s.res.status, 200);
      assert.match(String(s.res.headers.get('content-type')), /^text\/event-stream/);
      await s.until(() => s.events().length >= 1);
      assert.equal(stateOf(s.events()[0]!), 'PENDING');
      await scratch.db
        .updateTable('refactor_jobs')
        .set({ status: 'QUOTA_RESERVING' })
        .where('id', '=', jobId)
        .execute();
      await scratch.db
        .updateTable('refactor_jobs')
        .set({ status: 'ANALYZING' })
        .where('id', '=', jobId)
        .execute();
      // A write that leaves the status as it was is not a state change.
      await scratch.db
        .updateTable('refactor_jobs')
        .set({ status: 'ANALYZING', attempt_count: 1 })
        .where('id', '=', jobId)
        .execute();
      await appendJobEvent(scratch.db, jobId, {
        event: 'attempt_start',
        attempt: 1,
        phase: 1,
        model_class: 'L1',
      });
      await s.until(() => s.events().length >= 4);
      const evs = s.events();
      assert.deepEqual(
        evs.map((m) => (m.data as JobEvent).event),
        ['state_change', 'state_change', 'state_change', 'attempt_start'],
      );
      assert.deepEqual(evs.slice(0, 3).map(stateOf), ['PENDING', 'QUOTA_RESERVING', 'ANALYZING']);
      assert.deepEqual(
        evs.map((m) => m.id),
        ['1', '2', '3', '4'],
      );
      for (const m of evs) jobEventSchema.parse(m.data);
      await s.until((all) => all.some((m) => m.comment));
    } finally {
      await s.close();
    }
  });

  void it('D5: test_requested and spec_updated events reach the stream as the contract shapes them', async () => {
    const jobId = await insertJob(scratch.db, alice.userId, 'BASELINE_VALIDATION');
    const ts = new Date().toISOString();
    const testRequested: JobEvent = {
      event: 'test_requested',
      job_id: jobId,
      test_run_id: randomUUID(),
      attempt_number: 0,
      run_type: 'BASELINE',
      framework: 'pytest',
      test_files: [{ path: 'tests/test_legacy.py', content: 'def test_x():\n    assert True\n' }],
      source_files: [],
      timeout_seconds: null,
      timestamp: ts,
    };
    const specUpdated: JobEvent = {
      event: 'spec_updated',
      job_id: jobId,
      revision_id: randomUUID(),
      revision_token: 'tok',
      updated_by_surface: 'WEB',
      timestamp: ts,
    };
    await appendJobEvent(scratch.db, jobId, testRequested);
    await appendJobEvent(scratch.db, jobId, specUpdated);
    const s = await openStream(api.base, jobId, alice.headers);
    try {
      await s.until(() => s.events().length >= 3);
      assert.deepEqual(s.events()[1]!.data, testRequested);
      assert.deepEqual(s.events()[2]!.data, specUpdated);
    } finally {
      await s.close();
    }
  });

  void it('V1-FR-JOB-003: Last-Event-ID resumes on a second API instance after the first one is gone, without loss or repeats', async () => {
    const jobId = await insertJob(scratch.db, alice.userId);
    const first = await startApi(scratch, temporal, {
      databaseUrl: scratch.url,
      keepAliveMs: 60_000,
    });
    const s1 = await openStream(first.base, jobId, alice.headers);
    await scratch.db
      .updateTable('refactor_jobs')
      .set({ status: 'QUOTA_RESERVING' })
      .where('id', '=', jobId)
      .execute();
    await s1.until(() => s1.events().length >= 2);
    const lastSeen = s1.events().at(-1)!.id!;
    await first.app.close(); // the API "restarts": the stream ends
    await s1.close();
    // Written while no API was serving this client.
    await scratch.db
      .updateTable('refactor_jobs')
      .set({ status: 'ANALYZING' })
      .where('id', '=', jobId)
      .execute();
    await appendJobEvent(scratch.db, jobId, {
      event: 'log_line',
      level: 'INFO',
      message: 'scope analysed',
      timestamp: new Date().toISOString(),
    });

    const second = await startApi(scratch, temporal, {
      databaseUrl: scratch.url,
      keepAliveMs: 60_000,
    });
    const s2 = await openStream(second.base, jobId, {
      ...alice.headers,
      'last-event-id': lastSeen,
    });
    try {
      await s2.until(() => s2.events().length >= 2);
      await scratch.db
        .updateTable('refactor_jobs')
        .set({ status: 'WAITING_STRATEGY' })
        .where('id', '=', jobId)
        .execute();
      await s2.until(() => s2.events().length >= 3);
      assert.deepEqual(
        s2.events().map((m) => m.id),
        ['3', '4', '5'],
      );
      assert.equal(stateOf(s2.events()[0]!), 'ANALYZING');
      assert.equal((s2.events()[1]!.data as { message: string }).message, 'scope analysed');
      assert.equal(stateOf(s2.events()[2]!), 'WAITING_STRATEGY');
    } finally {
      await s2.close();
      await second.app.close();
    }
  });

  void it('V1-FR-OBS-002: without LISTEN (no database URL) the stream still delivers by polling', async () => {
    const polling = await startApi(scratch, temporal, { pollMs: 100, keepAliveMs: 60_000 });
    const jobId = await insertJob(scratch.db, alice.userId);
    const s = await openStream(polling.base, jobId, alice.headers);
    try {
      await s.until(() => s.events().length >= 1);
      await scratch.db
        .updateTable('refactor_jobs')
        .set({ status: 'QUOTA_RESERVING' })
        .where('id', '=', jobId)
        .execute();
      await s.until(() => s.events().length >= 2);
      assert.equal(stateOf(s.events()[1]!), 'QUOTA_RESERVING');
    } finally {
      await s.close();
      await polling.app.close();
    }
  });

  void it('API_CONTRACT §4 logs: tokens in the URL are refused, foreign and unknown jobs are refused, a bad Last-Event-ID is refused', async () => {
    const jobId = await insertJob(scratch.db, alice.userId);
    const url = (q = '') => `${api.base}/api/v1/jobs/${jobId}/logs${q}`;
    const inUrlOnly = await fetch(url(`?access_token=${alice.accessToken}`));
    assert.equal(inUrlOnly.status, 401);
    const both = await fetch(url(`?token=${alice.accessToken}`), { headers: alice.headers });
    assert.equal(both.status, 401);
    const refused = (await both.json()) as { error_code: string; message: string };
    assert.equal(refused.error_code, 'INVALID_CREDENTIALS');
    assert.match(refused.message, /URL/);
    const other = await fetch(url('?x=1'), { headers: alice.headers });
    assert.equal(other.status, 400);
    const noAuth = await fetch(url());
    assert.equal(noAuth.status, 401);
    const foreign = await fetch(url(), { headers: bob.headers });
    assert.equal(foreign.status, 403);
    assert.equal(
      ((await foreign.json()) as { error_code: string }).error_code,
      'JOB_OWNERSHIP_VIOLATION',
    );
    const unknown = await fetch(`${api.base}/api/v1/jobs/${randomUUID()}/logs`, {
      headers: alice.headers,
    });
    assert.equal(unknown.status, 404);
    const badCursor = await fetch(url(), { headers: { ...alice.headers, 'last-event-id': 'abc' } });
    assert.equal(badCursor.status, 400);
    assert.equal(
      ((await badCursor.json()) as { error_code: string }).error_code,
      'VALIDATION_FAILED',
    );
  });
});
