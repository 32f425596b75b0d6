/**
 * The job API end to end (issue #6): a client drives a job through HTTP only — create, start,
 * proposals, select, spec edit, approve, the D5 test hand-off through `POST .../tests/report` —
 * against the real RefactorJobWorkflow worker (real Temporal, PostgreSQL, the IAMA Router through
 * the real LiteLLM Proxy with the fixture model, real `node --test` runs), while watching the SSE
 * stream; then cancellation of a second job and the workflow-decided 409s.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { jobEventSchema, type JobEvent, type WorkflowState } from '@iama/contracts';
import { buildApp } from '../src/app';
import { createTestUser, type TestUser } from './support/auth';
import {
  directives,
  runRequestedTests,
  TARGET_FILES,
  useHarness,
  type Harness,
} from '../../worker/test/refactor-job-harness';

type Stream = {
  events: JobEvent[];
  until(pred: (e: JobEvent[]) => boolean): Promise<void>;
  close(): Promise<void>;
};

async function openStream(
  base: string,
  jobId: string,
  headers: Record<string, string>,
): Promise<Stream> {
  const ctrl = new AbortController();
  const res = await fetch(`${base}/api/v1/jobs/${jobId}/logs`, { headers, signal: ctrl.signal });
  assert.equal(res.status, 200);
  const events: JobEvent[] = [];
  const waiters: (() => void)[] = [];
  const pump = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body!) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let sep: number;
        while ((sep = buffer.indexOf('\n\n')) >= 0) {
          const data = buffer
            .slice(0, sep)
            .split('\n')
            .find((l) => l.startsWith('data: '));
          buffer = buffer.slice(sep + 2);
          if (data) events.push(jobEventSchema.parse(JSON.parse(data.slice(6))));
          waiters.splice(0).forEach((w) => w());
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return {
    events,
    async until(pred) {
      while (!pred(events)) await new Promise<void>((r) => waiters.push(r));
    },
    async close() {
      ctrl.abort();
      await pump;
    },
  };
}

const states = (events: JobEvent[]) =>
  events.flatMap((e) => (e.event === 'state_change' ? [e.state] : []));
const reached = (s: WorkflowState) => (events: JobEvent[]) => states(events).includes(s);

void describe('job API end to end with the real workflow (issue #6; PRD V1 §13, ARCHITECTURE D5)', () => {
  let h: Harness;
  let worker: { taskQueue: string; stop(): Promise<void> };
  let app: FastifyInstance;
  let base: string;
  let user: TestUser;

  before(async () => {
    h = await useHarness();
    worker = await h.worker(directives({ patch_edit: 'ok answer=refactor_order_total' }));
    app = await buildApp({
      db: h.db,
      temporal: h.client,
      taskQueue: worker.taskQueue,
      healthProbeEnabled: false,
      jobs: { pollMs: 100 },
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    user = await createTestUser(h.db, { tier: 'PRO' });
  });
  after(async () => {
    await app.close();
    await worker.stop();
    await h.stop();
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...user.headers,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  void it('V1-FR-JOB-001 → DELIVERED over HTTP: every transition on the stream, spec edited and approved, tests reported by the client', async () => {
    const created = await api('POST', '/api/v1/jobs', {
      target_paths: TARGET_FILES.map((f) => f.path),
      execution_mode: 'LOCAL_NATIVE',
      target_files: TARGET_FILES,
      session_id: 'ide-1',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const jobId = created.body.job_id as string;
    const stream = await openStream(base, jobId, user.headers);
    try {
      const start = await api('POST', `/api/v1/jobs/${jobId}/start`);
      assert.deepEqual(start, { status: 200, body: { job_id: jobId, status: 'ANALYZING' } });
      // Illegal now: the row says ANALYZING, so selection is refused before the workflow is asked.
      const early = await api('POST', `/api/v1/jobs/${jobId}/proposals/select`, {
        proposal_id: 'x',
      });
      assert.equal(early.status, 409);

      await stream.until(reached('WAITING_STRATEGY'));
      const proposals = await api('GET', `/api/v1/jobs/${jobId}/proposals`);
      assert.equal(proposals.status, 200, JSON.stringify(proposals.body));
      assert.equal(proposals.body.proposals.length, 3);
      // The workflow's validator decides what the row cannot: an unknown proposal id.
      const unknown = await api('POST', `/api/v1/jobs/${jobId}/proposals/select`, {
        proposal_id: 'no-such-proposal',
      });
      assert.equal(unknown.status, 409, JSON.stringify(unknown.body));
      assert.equal(unknown.body.error_code, 'JOB_STATE_CONFLICT');
      const selected = await api('POST', `/api/v1/jobs/${jobId}/proposals/select`, {
        proposal_id: proposals.body.proposals[1].id,
      });
      assert.deepEqual(selected, {
        status: 200,
        body: { job_id: jobId, status: 'WAITING_SPEC_APPROVAL' },
      });

      let spec = await api('GET', `/api/v1/jobs/${jobId}/spec`);
      while (spec.status === 409) {
        await stream.until((e) => e.length > 0);
        await new Promise((r) => setTimeout(r, 100));
        spec = await api('GET', `/api/v1/jobs/${jobId}/spec`);
      }
      assert.equal(spec.status, 200, JSON.stringify(spec.body));
      const edited = await api('PATCH', `/api/v1/jobs/${jobId}/spec`, {
        revision_token: spec.body.revision_token,
        bdd_items: spec.body.bdd_items,
      });
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      await stream.until((e) =>
        e.some((x) => x.event === 'spec_updated' && x.revision_id === edited.body.revision_id),
      );
      const approved = await api('POST', `/api/v1/jobs/${jobId}/spec/approve`);
      assert.deepEqual(approved, {
        status: 200,
        body: { job_id: jobId, status: 'GENERATING_TESTS' },
      });

      // The IDE's half of D5: each test request from the stream is run for real and reported over HTTP.
      const reported = new Set<string>();
      while (!reached('DELIVERED')(stream.events)) {
        const pending = stream.events.filter(
          (e) => e.event === 'test_requested' && !reported.has(e.test_run_id),
        );
        for (const req of pending) {
          if (req.event !== 'test_requested') continue;
          reported.add(req.test_run_id);
          const r = await runRequestedTests(req);
          const body = {
            test_run_id: r.testRunId,
            attempt_number: r.attemptNumber,
            execution_mode: r.executionMode,
            started_at: r.startedAt,
            duration_ms: r.durationMs,
            exit_code: r.exitCode,
            timed_out: r.timedOut,
            infra_error: r.infraError,
            tests: r.tests.map((t) => ({
              name: t.name,
              status: t.status,
              error_class: t.errorClass,
              location: t.location,
              excerpt: t.excerpt,
              duration_ms: t.durationMs,
            })),
          };
          const first = await api('POST', `/api/v1/jobs/${jobId}/tests/report`, body);
          assert.equal(first.status, 200, JSON.stringify(first.body));
          // A repeated identical report gets the identical answer and completes nothing twice.
          assert.deepEqual(await api('POST', `/api/v1/jobs/${jobId}/tests/report`, body), first);
        }
        const n = stream.events.length;
        await stream.until((e) => e.length > n);
      }
      assert.ok(reported.size >= 2, 'baseline and refactor runs were requested');
      assert.deepEqual(states(stream.events), [
        'PENDING',
        'QUOTA_RESERVING',
        'ANALYZING',
        'WAITING_STRATEGY',
        'WAITING_SPEC_APPROVAL',
        'GENERATING_TESTS',
        'BASELINE_VALIDATION',
        'REFACTORING',
        'DELIVERED',
      ]);
      const job = await api('GET', `/api/v1/jobs/${jobId}`);
      assert.equal(job.body.status, 'DELIVERED');
      // Terminal: cancel is refused with the state.
      const late = await api('DELETE', `/api/v1/jobs/${jobId}`);
      assert.equal(late.status, 409);
      assert.equal(late.body.detail.current_state, 'DELIVERED');
    } finally {
      await stream.close();
    }
  });

  void it('PRD V1 §13 item 7: DELETE cancels a running job → FAILED / USER_CANCELLED on the row and the stream', async () => {
    const created = await api('POST', '/api/v1/jobs', {
      target_paths: ['src/order.js'],
      execution_mode: 'LOCAL_NATIVE',
      target_files: TARGET_FILES,
    });
    assert.equal(created.status, 201);
    const jobId = created.body.job_id as string;
    const stream = await openStream(base, jobId, user.headers);
    try {
      assert.equal((await api('POST', `/api/v1/jobs/${jobId}/start`)).status, 200);
      await stream.until(reached('WAITING_STRATEGY'));
      const cancelled = await api('DELETE', `/api/v1/jobs/${jobId}`);
      assert.deepEqual(cancelled, {
        status: 200,
        body: { job_id: jobId, status: 'FAILED', failure_reason: 'USER_CANCELLED' },
      });
      await stream.until(reached('FAILED'));
      const row = await h.db
        .selectFrom('refactor_jobs')
        .select(['status', 'failure_reason'])
        .where('id', '=', jobId)
        .executeTakeFirstOrThrow();
      assert.deepEqual(row, { status: 'FAILED', failure_reason: 'USER_CANCELLED' });
      const again = await api('DELETE', `/api/v1/jobs/${jobId}`);
      assert.equal(again.status, 409);
    } finally {
      await stream.close();
    }
  });
});
