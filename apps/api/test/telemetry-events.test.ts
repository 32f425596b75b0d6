/**
 * Telemetry ingestion (issue #5; API_CONTRACT §11, §13 invariant 8; V1-FR-ANA-001, V1-FR-ANA-003,
 * V1-FR-ANA-005) through `app.inject` against real PostgreSQL, with the file sink in a temporary
 * directory (not the primary database): code, spec text, prompts and secrets are refused per
 * event; clean events are stored and queryable by user, job, name and time; Zero Telemetry Mode
 * stores nothing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { checkTelemetryEvent, looksLikeCode } from '../src/routes/telemetry/privacy';
import {
  fileTelemetrySink,
  funnelCounts,
  serverEvent,
  type TelemetrySink,
} from '../src/routes/telemetry/sink';
import { createTestUser, type TestUser } from './support/auth';
import { createTestApp, type TestApp } from './support/db';

const at = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();
const ev = (event_name: string, properties: Record<string, unknown>) => ({
  event_name,
  properties,
  timestamp: at(),
});

void describe('POST /api/v1/telemetry/events (API_CONTRACT §11; V1-FR-ANA-003, V1-FR-ANA-005)', () => {
  let t: TestApp;
  let dir: string;
  let sink: TelemetrySink;
  let alice: TestUser;
  let zero: TestUser;

  const send = (u: TestUser | null, events: unknown[]) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/telemetry/events',
      headers: u ? u.headers : {},
      payload: { events },
    });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iama-telemetry-'));
    sink = fileTelemetrySink(dir);
    t = await createTestApp({ operator: { telemetrySink: sink } });
    alice = await createTestUser(t.scratch.db, { tier: 'PRO' });
    zero = await createTestUser(t.scratch.db, { tier: 'ENTERPRISE' });
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  void it('V1-FR-ANA-003: a clean funnel batch is accepted and stored outside PostgreSQL, queryable by user, job and name', async () => {
    const jobId = randomUUID();
    const res = await send(alice, [
      ev('proposal_selected', { job_id: jobId, proposal_index: 2, risk: 'LOW' }),
      ev('bdd_edited', { job_id: jobId, dwell_ms: 48000, items_changed: 3 }),
      ev('patch_accepted', { job_id: jobId, hunks_accepted: 4, hunks_rejected: 1, partial: true }),
    ]);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { accepted: 3, rejected: 0 });
    assert.ok(
      readdirSync(dir).some((f) => f.endsWith('.ndjson')),
      'written to the sink directory',
    );
    const stored = await sink.query({ userId: alice.userId, jobId });
    assert.deepEqual(stored.map((e) => e.event_name).sort(), [
      'bdd_edited',
      'patch_accepted',
      'proposal_selected',
    ]);
    assert.ok(stored.every((e) => e.source === 'client' && e.user_id === alice.userId));
    assert.deepEqual(
      await funnelCounts(
        sink,
        ['proposal_selected', 'bdd_edited', 'patch_accepted', 'patch_rejected'],
        { userId: alice.userId },
      ),
      {
        proposal_selected: 1,
        bdd_edited: 1,
        patch_accepted: 1,
        patch_rejected: 0,
      },
    );
    const tables = await t.scratch.db
      .selectFrom('audit_events')
      .select('id')
      .where('event_type', 'like', 'telemetry%')
      .execute();
    assert.equal(tables.length, 0, 'telemetry does not go to the primary database');
  });

  void it('§13 invariant 8: events carrying code, BDD/SDD text, prompts, secrets or nested content are refused; the clean ones in the same batch are kept', async () => {
    const marker = randomUUID();
    const bad = [
      ev('bdd_edited', { bdd_text: 'Given a user When they log in Then they see the dashboard' }),
      ev('proposal_selected', { label: 'function transfer(a, b) { return a - b; }' }),
      ev('spec_viewed', { note: 'Given the account exists' + ' ' }),
      ev('prompt_sent', { prompt: 'Refactor this class' }),
      ev('patch_rejected', { reason: 'def f(x): return x' }),
      ev('patch_rejected', { files: ['a.ts', 'b.ts'] }),
      ev('patch_rejected', { detail: { nested: true } }),
      ev('patch_rejected', { comment: 'x'.repeat(201) }),
      ev('patch_rejected', { multi: 'line one\nline two' }),
      ev('settings_changed', { key_hint: 'AKIA' + 'QWERTYUIOPASDFGH' }),
      ev('diff_viewed', { diff: '+ added line' }),
    ];
    const res = await send(alice, [...bad, ev('patch_rejected', { marker, hunks: 2 })]);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { accepted: 1, rejected: bad.length });
    const raw = readdirSync(dir)
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('');
    for (const leaked of [
      'Given a user',
      'transfer(a, b)',
      'Refactor this class',
      'def f(x)',
      'AKIA',
      '+ added line',
    ])
      assert.ok(!raw.includes(leaked), leaked);
    assert.ok(raw.includes(marker));
  });

  void it('V1-FR-ANA-005: Zero Telemetry Mode (organisation setting, via team membership) answers 200 and stores nothing', async () => {
    const org = await t.scratch.db
      .insertInto('organizations')
      .values({
        name: 'Quiet Corp',
        owner_id: alice.userId,
        tier: 'ENTERPRISE',
        zero_telemetry_mode: true,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const team = await t.scratch.db
      .insertInto('teams')
      .values({ org_id: org.id, name: 'core' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.scratch.db
      .insertInto('team_member_roles')
      .values({ team_id: team.id, user_id: zero.userId, role: 'MEMBER', granted_by: alice.userId })
      .execute();
    const marker = randomUUID();
    const res = await send(zero, [ev('proposal_selected', { marker, proposal_index: 1 })]);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { accepted: 1, rejected: 0 });
    assert.deepEqual(await sink.query({ userId: zero.userId }), []);
    const raw = readdirSync(dir)
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('');
    assert.ok(!raw.includes(marker));
    await t.scratch.db.deleteFrom('team_member_roles').execute();
    await t.scratch.db.deleteFrom('teams').execute();
    await t.scratch.db.deleteFrom('organizations').execute();
  });

  void it('bad input: no token 401, malformed batch 400 VALIDATION_FAILED, nothing stored', async () => {
    const before = (await sink.query({})).length;
    assert.equal((await send(null, [ev('proposal_selected', { n: 1 })])).statusCode, 401);
    for (const events of [
      [],
      [{ event_name: 'Bad Name', properties: {}, timestamp: at() }],
      [{ event_name: 'ok', properties: {}, timestamp: 'yesterday' }],
      Array.from({ length: 501 }, () => ev('x', {})),
    ]) {
      const res = await send(alice, events);
      assert.equal(res.statusCode, 400);
      assert.equal(res.json<{ error_code: string }>().error_code, 'VALIDATION_FAILED');
    }
    assert.equal((await sink.query({})).length, before);
  });

  void it('V1-FR-ANA-001: server lifecycle events share the sink and the KPI queries by time window', async () => {
    const jobId = randomUUID();
    await sink.append([
      serverEvent({
        eventName: 'job_started',
        userId: alice.userId,
        jobId,
        properties: { tier: 'PRO' },
      }),
      serverEvent({ eventName: 'baseline_passed', userId: alice.userId, jobId }),
      serverEvent({
        eventName: 'job_delivered',
        userId: alice.userId,
        jobId,
        properties: { duration_ms: 91000 },
      }),
    ]);
    const window = { from: new Date(Date.now() - 60_000), to: new Date(Date.now() + 60_000) };
    assert.deepEqual(
      await funnelCounts(
        sink,
        ['job_started', 'baseline_passed', 'fallback_triggered', 'job_delivered'],
        { ...window, jobId },
      ),
      {
        job_started: 1,
        baseline_passed: 1,
        fallback_triggered: 0,
        job_delivered: 1,
      },
    );
    assert.deepEqual(
      await sink.query({ jobId, from: new Date(Date.now() + 3_600_000) }),
      [],
      'outside the window',
    );
  });
});

void describe('telemetry privacy gate (pure; V1-FR-ANA-003)', () => {
  void it('metadata passes; code shapes do not', () => {
    for (const ok of [
      'proposal_selected',
      'LOW',
      'src/app/main.ts',
      'vscode 1.95.0',
      'PATCH_ACCEPTED',
      '48000',
    ])
      assert.equal(looksLikeCode(ok), false, ok);
    for (const code of [
      'x => x + 1',
      'int main() {',
      'SELECT * FROM users',
      'import os',
      'Scenario: login',
      '<div class="a">',
      'foo(bar) {',
    ])
      assert.equal(looksLikeCode(code), true, code);
    assert.deepEqual(
      checkTelemetryEvent({
        event_name: 'patch_accepted',
        properties: { hunks: 3, partial: false, mode: 'LOCAL_NATIVE' },
        timestamp: at(),
      }),
      { ok: true },
    );
    assert.deepEqual(
      checkTelemetryEvent({ event_name: 'x', properties: { source: 'a' }, timestamp: at() }),
      { ok: false, reason: 'CONTENT_PROPERTY' },
    );
    assert.deepEqual(
      checkTelemetryEvent({
        event_name: 'x',
        properties: { label: 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8' },
        timestamp: at(),
      }),
      { ok: false, reason: 'SECRET' },
    );
  });
});
