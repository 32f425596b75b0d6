/**
 * The job API's guards without a worker (issue #6): creation with its reservation, validation,
 * entitlement and kill-switch refusals; ownership on every job route; deterministic 409
 * `JOB_STATE_CONFLICT` carrying the current state for actions outside their state; the spec
 * optimistic lock with no silent overwrite; heartbeat and test-report refusals. Real PostgreSQL,
 * real Temporal (workflows are started on a queue no worker polls, and terminated afterwards).
 */
import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { Client, Connection } from '@temporalio/client';
import type { Database } from '@iama/db';
import { requireTestStack } from '@iama/devstack';
import { ENDPOINTS, errorEnvelopeSchema } from '@iama/contracts';
import { refactorJobWorkflowId } from '@iama/worker';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app';
import { readJobEvents } from '../src/jobs/event-store';
import { createTestUser, type TestUser } from './support/auth';
import { createScratchDb, type ScratchDb } from './support/db';

async function insertJob(db: Kysely<Database>, ownerId: string, status: string): Promise<string> {
  const row = await db
    .insertInto('refactor_jobs')
    .values({
      owner_id: ownerId,
      status,
      execution_mode: 'LOCAL_NATIVE',
      target_paths: ['src/a.py'],
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function insertSpec(
  db: Kysely<Database>,
  jobId: string,
  actorId: string,
  token: string,
): Promise<string> {
  const rev = await db
    .insertInto('spec_revisions')
    .values({
      job_id: jobId,
      revision_token: token,
      actor_id: actorId,
      surface: 'IDE',
      bdd_snapshot: '[]',
      sdd_snapshot: '[]',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('bdd_items')
    .values({
      job_id: jobId,
      revision_id: rev.id,
      given: 'a cart',
      when_action: 'total()',
      then_outcome: 'sum of lines',
    })
    .execute();
  return rev.id;
}

/**
 * §4 routes this job API does not serve yet (docs/jobs/decisions.md): they need the artifact store
 * (delivery, apply, revert, Enterprise report) or a model call the workflow does not expose (nl-convert).
 */
const NOT_YET_SERVED = [
  'jobs.delivery',
  'jobs.applyDelivery',
  'jobs.revertDelivery',
  'jobs.enterpriseReport',
  'jobs.nlConvertSpec',
];

const bdd = [
  {
    given: 'a cart with two lines',
    when_action: 'total() is called',
    then_outcome: 'the sum is returned',
  },
];

void describe('job API guards (issue #6; V1-FR-JOB-001, V1-FR-JOB-002, API_CONTRACT §13 invariants 2, 5, 11)', () => {
  const env = requireTestStack();
  const taskQueue = `test-jobs-api-${randomUUID()}`;
  let scratch: ScratchDb;
  let connection: Connection;
  let temporal: Client;
  let app: FastifyInstance;
  let alice: TestUser;
  let bob: TestUser;
  let pro: TestUser;
  const started: string[] = [];

  before(async () => {
    scratch = await createScratchDb(env.databaseUrl);
    connection = await Connection.connect({ address: env.temporalAddress });
    temporal = new Client({ connection });
    app = await buildApp({
      db: scratch.db,
      temporal,
      taskQueue,
      healthProbeEnabled: false,
      jobs: { databaseUrl: scratch.url },
    });
    alice = await createTestUser(scratch.db, { tier: 'FREE' });
    bob = await createTestUser(scratch.db, { tier: 'PRO' });
    pro = await createTestUser(scratch.db, { tier: 'PRO' });
  });
  after(async () => {
    for (const id of started)
      await temporal.workflow
        .getHandle(refactorJobWorkflowId(id))
        .terminate('test over')
        .catch(() => undefined);
    await app.close();
    await connection.close();
    await scratch.drop();
  });

  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    user?: TestUser,
    payload?: unknown,
  ) =>
    app.inject({
      method,
      url,
      headers: user ? user.headers : {},
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });

  void it('V1-FR-JOB-001, V1-FR-BIL-004: POST /jobs reserves quota, writes a PENDING job and starts its workflow', async () => {
    const res = await call('POST', '/api/v1/jobs', pro, {
      target_paths: ['src/cart.py'],
      execution_mode: 'LOCAL_NATIVE',
      refactor_context: 'make it readable',
      target_files: [{ path: 'src/cart.py', content: 'def total(xs):\n    return sum(xs)\n' }],
      session_id: 'ide-session-1',
    });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json<{
      job_id: string;
      status: string;
      created_at: string;
      quota_reservation_id: string;
    }>();
    started.push(body.job_id);
    assert.equal(body.status, 'PENDING');
    const job = await scratch.db
      .selectFrom('refactor_jobs')
      .selectAll()
      .where('id', '=', body.job_id)
      .executeTakeFirstOrThrow();
    assert.equal(job.owner_id, pro.userId);
    assert.deepEqual(job.target_paths, ['src/cart.py']);
    assert.ok(job.project_id, 'default project assigned');
    const reservation = await scratch.db
      .selectFrom('quota_reservations')
      .selectAll()
      .where('id', '=', body.quota_reservation_id)
      .executeTakeFirstOrThrow();
    assert.equal(reservation.job_id, body.job_id);
    assert.equal(reservation.status, 'RESERVED');
    const desc = await temporal.workflow.getHandle(refactorJobWorkflowId(body.job_id)).describe();
    assert.equal(desc.type, 'refactorJobWorkflow');
    assert.equal(desc.taskQueue, taskQueue);
    const session = await scratch.db
      .selectFrom('client_heartbeat_sessions')
      .selectAll()
      .where('job_id', '=', body.job_id)
      .executeTakeFirstOrThrow();
    assert.equal(session.session_id, 'ide-session-1');
    assert.equal(session.workflow_run_id, desc.runId);
    const events = await readJobEvents(scratch.db, body.job_id, 0);
    assert.deepEqual(
      events.map((e) => e.event),
      [
        {
          event: 'state_change',
          state: 'PENDING',
          timestamp: (events[0]!.event as { timestamp: string }).timestamp,
        },
      ],
    );
    // The second job reuses the default project.
    const second = await call('POST', '/api/v1/jobs', pro, {
      target_paths: ['src/b.py'],
      execution_mode: 'LOCAL_DOCKER',
    });
    assert.equal(second.statusCode, 201);
    started.push(second.json<{ job_id: string }>().job_id);
    const projects = await scratch.db
      .selectFrom('projects')
      .select('id')
      .where('owner_id', '=', pro.userId)
      .execute();
    assert.equal(projects.length, 1);
  });

  void it('POST /jobs failure paths: bad body, REMOTE_SANDBOX on Free, daily quota, kill switch, foreign project — nothing written', async () => {
    const before = await scratch.db
      .selectFrom('refactor_jobs')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const bad = [
      {},
      { target_paths: [], execution_mode: 'LOCAL_NATIVE' },
      { target_paths: ['../etc/passwd'], execution_mode: 'LOCAL_NATIVE' },
      { target_paths: ['a.py'], execution_mode: 'CLOUD' },
      {
        target_paths: ['a.py'],
        execution_mode: 'LOCAL_NATIVE',
        target_files: [{ path: 'b.py', content: '' }],
      },
      { target_paths: ['a.py'], execution_mode: 'LOCAL_NATIVE', surprise: true },
    ];
    for (const payload of bad) {
      const res = await call('POST', '/api/v1/jobs', alice, payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.equal(res.json().error_code, 'VALIDATION_FAILED');
      errorEnvelopeSchema.parse(res.json());
    }
    const remote = await call('POST', '/api/v1/jobs', alice, {
      target_paths: ['a.py'],
      execution_mode: 'REMOTE_SANDBOX',
    });
    assert.equal(remote.statusCode, 403);
    assert.equal(remote.json().error_code, 'ENTITLEMENT_DENIED');
    assert.equal(remote.json().denial_reason, 'EXECUTION_ENVIRONMENT_NOT_ENTITLED');
    const foreignProject = await scratch.db
      .insertInto('projects')
      .values({ owner_id: bob.userId, name: 'bob' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const fp = await call('POST', '/api/v1/jobs', alice, {
      project_id: foreignProject.id,
      target_paths: ['a.py'],
      execution_mode: 'LOCAL_NATIVE',
    });
    assert.equal(fp.statusCode, 404);
    assert.equal(fp.json().error_code, 'NOT_FOUND');
    assert.equal(
      await scratch.db
        .selectFrom('quota_reservations')
        .select('id')
        .where('user_id', '=', alice.userId)
        .where('status', '=', 'RESERVED')
        .execute()
        .then((r) => r.length),
      0,
      'the refused project released its reservation',
    );

    // Free: 3 jobs a day (V1-FR-SUB-005); the fourth is QUOTA_EXCEEDED_DAILY with retry metadata.
    const free = await createTestUser(scratch.db, { tier: 'FREE' });
    for (let i = 0; i < 3; i++) {
      const ok = await call('POST', '/api/v1/jobs', free, {
        target_paths: ['a.py'],
        execution_mode: 'LOCAL_NATIVE',
      });
      assert.equal(ok.statusCode, 201, ok.body);
      started.push(ok.json<{ job_id: string }>().job_id);
    }
    const over = await call('POST', '/api/v1/jobs', free, {
      target_paths: ['a.py'],
      execution_mode: 'LOCAL_NATIVE',
    });
    assert.equal(over.statusCode, 429);
    assert.equal(over.json().error_code, 'QUOTA_EXCEEDED_DAILY');
    assert.ok(over.json().retry_after);

    await scratch.db
      .insertInto('dynamic_configs')
      .values({
        config_key: 'system.kill_switch.global',
        config_value: JSON.stringify(true),
        scope: 'GLOBAL',
      })
      .execute();
    try {
      const killed = await call('POST', '/api/v1/jobs', pro, {
        target_paths: ['a.py'],
        execution_mode: 'LOCAL_NATIVE',
      });
      assert.equal(killed.statusCode, 403);
      assert.equal(killed.json().denial_reason, 'KILL_SWITCH_ACTIVE');
    } finally {
      await scratch.db
        .deleteFrom('dynamic_configs')
        .where('config_key', '=', 'system.kill_switch.global')
        .execute();
    }
    const afterCount = await scratch.db
      .selectFrom('refactor_jobs')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(
      Number(afterCount.n),
      Number(before.n) + 3,
      'only the three accepted jobs were written',
    );
  });

  void it("V1-FR-JOB-002, invariant 2: every job route refuses another user's job (403) and an unknown job (404)", async () => {
    const jobId = await insertJob(scratch.db, pro.userId, 'WAITING_INTERVENTION');
    const jobRoutes = ENDPOINTS.filter(
      (e) => e.path.startsWith('/api/v1/jobs/:job_id') && !NOT_YET_SERVED.includes(e.id),
    );
    assert.ok(jobRoutes.length >= 22, `${jobRoutes.length} job routes`);
    for (const e of jobRoutes) {
      for (const [user, id, status, code] of [
        [bob, jobId, 403, 'JOB_OWNERSHIP_VIOLATION'],
        [pro, randomUUID(), 404, 'JOB_NOT_FOUND'],
      ] as const) {
        const res = await app.inject({
          method: e.method,
          url: e.path.replace(':job_id', id),
          headers: { ...user.headers, 'content-type': 'application/json' },
          payload: '{}',
        });
        // Body validation may answer first for routes with a required body; never a 2xx, never another user's data.
        assert.ok([status, 400].includes(res.statusCode), `${e.id}: ${res.statusCode} ${res.body}`);
        if (res.statusCode === status) assert.equal(res.json().error_code, code, e.id);
      }
    }
  });

  void it('API_CONTRACT §13 invariant 5: actions outside their state are 409 JOB_STATE_CONFLICT with the current state, and change nothing', async () => {
    const pending = await insertJob(scratch.db, pro.userId, 'PENDING');
    const delivered = await insertJob(scratch.db, pro.userId, 'DELIVERED');
    const cases: [string, 'POST' | 'DELETE' | 'GET', string, unknown, string][] = [
      ['approve in PENDING', 'POST', `/api/v1/jobs/${pending}/spec/approve`, undefined, 'PENDING'],
      [
        'select in PENDING',
        'POST',
        `/api/v1/jobs/${pending}/proposals/select`,
        { proposal_id: 'p1' },
        'PENDING',
      ],
      [
        'deep fix in PENDING',
        'POST',
        `/api/v1/jobs/${pending}/intervention/deep-fix`,
        undefined,
        'PENDING',
      ],
      [
        'command in PENDING',
        'POST',
        `/api/v1/jobs/${pending}/intervention/command`,
        { command: 'rename x' },
        'PENDING',
      ],
      [
        'run tests in PENDING',
        'POST',
        `/api/v1/jobs/${pending}/intervention/run-tests`,
        undefined,
        'PENDING',
      ],
      [
        'intervene in PENDING',
        'POST',
        `/api/v1/jobs/${pending}/intervention/intervene`,
        undefined,
        'PENDING',
      ],
      [
        'continue in PENDING',
        'POST',
        `/api/v1/jobs/${pending}/intervention/continue`,
        undefined,
        'PENDING',
      ],
      [
        'escalation in PENDING',
        'POST',
        `/api/v1/jobs/${pending}/escalation/decision`,
        { confirm: true },
        'PENDING',
      ],
      ['revise in PENDING', 'POST', `/api/v1/jobs/${pending}/spec/revise`, undefined, 'PENDING'],
      [
        'override in PENDING',
        'POST',
        `/api/v1/jobs/${pending}/baseline/override`,
        { kind: 'QUARANTINE', test_names: ['t'], reason: 'flaky' },
        'PENDING',
      ],
      [
        'timeout recovery in PENDING',
        'POST',
        `/api/v1/jobs/${pending}/timeout-recovery`,
        { choice: 'continue_repair' },
        'PENDING',
      ],
      ['proposals in PENDING', 'GET', `/api/v1/jobs/${pending}/proposals`, undefined, 'PENDING'],
      ['start when DELIVERED', 'POST', `/api/v1/jobs/${delivered}/start`, undefined, 'DELIVERED'],
      ['cancel when DELIVERED', 'DELETE', `/api/v1/jobs/${delivered}`, undefined, 'DELIVERED'],
      [
        'force-terminate outside grace',
        'POST',
        `/api/v1/jobs/${pending}/force-terminate`,
        undefined,
        'PENDING',
      ],
      ['spec before extraction', 'GET', `/api/v1/jobs/${pending}/spec`, undefined, 'PENDING'],
    ];
    for (const [name, method, url, payload, state] of cases) {
      const res = await call(method, url, pro, payload);
      assert.equal(res.statusCode, 409, `${name}: ${res.body}`);
      const body = res.json();
      errorEnvelopeSchema.parse(body);
      assert.equal(body.error_code, 'JOB_STATE_CONFLICT', name);
      assert.equal(body.detail.current_state, state, name);
      // Deterministic: the same request gets the same answer.
      assert.deepEqual((await call(method, url, pro, payload)).json(), body, name);
    }
    const rows = await scratch.db
      .selectFrom('refactor_jobs')
      .select(['id', 'status'])
      .where('id', 'in', [pending, delivered])
      .execute();
    assert.deepEqual(Object.fromEntries(rows.map((r) => [r.id, r.status])), {
      [pending]: 'PENDING',
      [delivered]: 'DELIVERED',
    });
  });

  void it('V1-FR-SUB-004: Free and Plus cannot start Deep Fix; Free cannot edit specs (403 with denial_reason)', async () => {
    const waiting = await insertJob(scratch.db, alice.userId, 'WAITING_INTERVENTION');
    const res = await call('POST', `/api/v1/jobs/${waiting}/intervention/deep-fix`, alice);
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error_code, 'ENTITLEMENT_DENIED');
    const specJob = await insertJob(scratch.db, alice.userId, 'WAITING_SPEC_APPROVAL');
    await insertSpec(scratch.db, specJob, alice.userId, `tok-${randomUUID()}`);
    const edit = await call('PATCH', `/api/v1/jobs/${specJob}/spec`, alice, {
      revision_token: 'x',
      bdd_items: bdd,
    });
    assert.equal(edit.statusCode, 403);
    assert.equal(edit.json().denial_reason, 'SPEC_EDITING_NOT_ENTITLED');
  });

  void it('V2-FR-WF-002, invariant 11: PATCH /spec under optimistic lock — new token and spec_updated event; a stale token is 409 with the current revision and writes nothing', async () => {
    const jobId = await insertJob(scratch.db, pro.userId, 'WAITING_SPEC_APPROVAL');
    const token = `tok-${randomUUID()}`;
    await insertSpec(scratch.db, jobId, pro.userId, token);
    const read = await call('GET', `/api/v1/jobs/${jobId}/spec`, pro);
    assert.equal(read.statusCode, 200);
    assert.equal(read.json().revision_token, token);
    assert.equal(read.json().bdd_items.length, 1);

    const web = await app.inject({
      method: 'PATCH',
      url: `/api/v1/jobs/${jobId}/spec`,
      headers: { ...pro.headers, 'x-iama-surface': 'WEB' },
      payload: { revision_token: token, bdd_items: bdd },
    });
    assert.equal(web.statusCode, 200, web.body);
    const next = web.json<{ revision_id: string; revision_token: string }>();
    assert.notEqual(next.revision_token, token);
    const after1 = (await call('GET', `/api/v1/jobs/${jobId}/spec`, pro)).json();
    assert.equal(after1.revision_id, next.revision_id);
    assert.equal(after1.bdd_items[0].given, bdd[0]!.given);
    assert.equal(after1.sdd_items.length, 0);
    const events = await readJobEvents(scratch.db, jobId, 0);
    const updated = events.map((e) => e.event).find((e) => e.event === 'spec_updated');
    assert.ok(updated && updated.event === 'spec_updated');
    assert.equal(updated.revision_id, next.revision_id);
    assert.equal(updated.updated_by_surface, 'WEB');

    // The IDE still holds the old token: conflict, with the current revision to merge against.
    const stale = await call('PATCH', `/api/v1/jobs/${jobId}/spec`, pro, {
      revision_token: token,
      bdd_items: [{ ...bdd[0]!, given: 'IDE edit' }],
    });
    assert.equal(stale.statusCode, 409);
    const conflict = stale.json();
    errorEnvelopeSchema.parse(conflict);
    assert.equal(conflict.error_code, 'SPEC_REVISION_CONFLICT');
    assert.equal(conflict.current_revision_token, next.revision_token);
    assert.equal(conflict.diff_payload.current.revision_id, next.revision_id);
    assert.equal(conflict.diff_payload.submitted.bdd_items[0].given, 'IDE edit');
    const revisions = await scratch.db
      .selectFrom('spec_revisions')
      .select('id')
      .where('job_id', '=', jobId)
      .execute();
    assert.equal(revisions.length, 2, 'no silent overwrite: the stale edit wrote nothing');

    const bad = await call('PATCH', `/api/v1/jobs/${jobId}/spec`, pro, {
      revision_token: next.revision_token,
    });
    assert.equal(bad.statusCode, 400);
    const delivered = await insertJob(scratch.db, pro.userId, 'DELIVERED');
    const closed = await call('PATCH', `/api/v1/jobs/${delivered}/spec`, pro, {
      revision_token: 'x',
      bdd_items: bdd,
    });
    assert.equal(closed.statusCode, 409);
    assert.equal(closed.json().detail.current_state, 'DELIVERED');
  });

  void it('V1-FR-JOB-007: heartbeat refuses a mismatched job id, an unknown session and an ended job', async () => {
    const jobId = await insertJob(scratch.db, pro.userId, 'REFACTORING');
    const mismatch = await call('POST', `/api/v1/jobs/${jobId}/heartbeat`, pro, {
      job_id: randomUUID(),
      session_id: 's',
    });
    assert.equal(mismatch.statusCode, 400);
    const unknown = await call('POST', `/api/v1/jobs/${jobId}/heartbeat`, pro, {
      job_id: jobId,
      session_id: 'nobody',
    });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().error_code, 'HEARTBEAT_SESSION_INVALID');
    const ended = await insertJob(scratch.db, pro.userId, 'FAILED');
    await scratch.db
      .insertInto('client_heartbeat_sessions')
      .values({ job_id: ended, session_id: 's', workflow_run_id: 'r', status: 'ACTIVE' })
      .execute();
    const late = await call('POST', `/api/v1/jobs/${ended}/heartbeat`, pro, {
      job_id: ended,
      session_id: 's',
    });
    assert.equal(late.statusCode, 404);
    assert.equal(late.json().error_code, 'HEARTBEAT_SESSION_INVALID');
  });

  void it('V1-FR-DEL-002: fallback evidence comes from the job row when the workflow cannot be asked; recovery actions follow the state; other states are 409', async () => {
    const jobId = await insertJob(scratch.db, pro.userId, 'FALLBACK_REQUIRED');
    await scratch.db
      .updateTable('refactor_jobs')
      .set({ identical_failure_count: 3, failure_pattern_fingerprint: 'sha256:abc' })
      .where('id', '=', jobId)
      .execute();
    const res = await call('GET', `/api/v1/jobs/${jobId}/fallback`, pro);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.identical_failure_count, 3);
    assert.equal(body.failure_pattern_fingerprint, 'sha256:abc');
    assert.deepEqual(body.available_actions, [{ type: 'EDIT_SPEC' }, { type: 'REPORT_ISSUE' }]);
    const waiting = await insertJob(scratch.db, pro.userId, 'WAITING_INTERVENTION');
    const w = (await call('GET', `/api/v1/jobs/${waiting}/fallback`, pro)).json();
    assert.deepEqual(w.available_actions, [
      { type: 'DEEP_FIX', requires_confirmation: true },
      { type: 'INTERVENE' },
      { type: 'REPORT_ISSUE' },
    ]);
    const pending = await insertJob(scratch.db, pro.userId, 'PENDING');
    const early = await call('GET', `/api/v1/jobs/${pending}/fallback`, pro);
    assert.equal(early.statusCode, 409);
    assert.equal(early.json().detail.current_state, 'PENDING');
  });

  void it('D5: a test report for a run nobody awaits is 409, a malformed report is 400', async () => {
    const jobId = await insertJob(scratch.db, pro.userId, 'BASELINE_VALIDATION');
    const report = {
      test_run_id: randomUUID(),
      attempt_number: 0,
      execution_mode: 'LOCAL_NATIVE',
      started_at: new Date().toISOString(),
      duration_ms: 12,
      exit_code: 0,
      timed_out: false,
      infra_error: null,
      tests: [
        {
          name: 't1',
          status: 'PASSED',
          error_class: null,
          location: null,
          excerpt: null,
          duration_ms: 3,
        },
      ],
    };
    const none = await call('POST', `/api/v1/jobs/${jobId}/tests/report`, pro, report);
    assert.equal(none.statusCode, 409);
    assert.equal(none.json().error_code, 'JOB_STATE_CONFLICT');
    assert.equal(none.json().detail.current_state, 'BASELINE_VALIDATION');
    const malformed = await call('POST', `/api/v1/jobs/${jobId}/tests/report`, pro, {
      ...report,
      exit_code: null,
    });
    assert.equal(malformed.statusCode, 400);
    const remote = await call('POST', `/api/v1/jobs/${jobId}/tests/report`, pro, {
      ...report,
      execution_mode: 'REMOTE_SANDBOX',
    });
    assert.equal(remote.statusCode, 400);
  });
});
