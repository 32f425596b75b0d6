/**
 * Wiring smoke test (issue #2): an API call starts a workflow on the real Temporal dev server,
 * the worker's activity writes a row into the real PostgreSQL, the API reads it back.
 */
import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createDb } from '@iama/db';
import { createActivities, createIamaWorker } from '@iama/worker';
import { buildApp } from '../src/app';
import { requireTestStack } from '@iama/devstack';

void describe('health probe round trip (issue #2 wiring)', () => {
  const env = requireTestStack();
  const taskQueue = `test-health-${randomUUID()}`;
  const { db, close } = createDb(env.databaseUrl);
  let connection: Connection;
  let nativeConnection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  let app: Awaited<ReturnType<typeof buildApp>>;

  before(async () => {
    connection = await Connection.connect({ address: env.temporalAddress });
    nativeConnection = await NativeConnection.connect({ address: env.temporalAddress });
    worker = await createIamaWorker({ connection: nativeConnection, namespace: 'default', taskQueue, activities: createActivities({ db }) });
    running = worker.run();
    app = await buildApp({ db, temporal: new Client({ connection }), taskQueue, healthProbeEnabled: true });
  });

  after(async () => {
    await app.close();
    worker.shutdown();
    await running;
    await nativeConnection.close();
    await connection.close();
    await close();
  });

  void it('GET /health reports PostgreSQL and Temporal up', async () => {
    const res = await app.inject({ method: 'GET', url: '/health' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok', checks: { database: 'ok', temporal: 'ok' } });
  });

  void it('POST /health/probe runs the workflow and GET reads the activity-written row back', async () => {
    const created = await app.inject({ method: 'POST', url: '/health/probe' });
    assert.equal(created.statusCode, 201);
    const { probe_id, audit_event_id } = created.json<{ probe_id: string; audit_event_id: string }>();
    const row = await db.selectFrom('audit_events').selectAll().where('id', '=', audit_event_id).executeTakeFirstOrThrow();
    assert.equal(row.event_type, 'system.health_probe');
    assert.equal(row.surface, 'SYSTEM');
    const read = await app.inject({ method: 'GET', url: `/health/probe/${probe_id}` });
    assert.equal(read.statusCode, 200);
    assert.equal(read.json<{ audit_event_id: string }>().audit_event_id, audit_event_id);
  });

  void it('every response carries a request id, and a well-formed caller id is echoed', async () => {
    const minted = await app.inject({ method: 'GET', url: '/health' });
    assert.match(String(minted.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    const given = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'req-123' } });
    assert.equal(given.headers['x-request-id'], 'req-123');
    const hostile = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'a b\nforged' } });
    assert.notEqual(hostile.headers['x-request-id'], 'a b\nforged');
  });

  void it('failure paths answer with the error envelope', async () => {
    const bad = await app.inject({ method: 'GET', url: '/health/probe/not-a-uuid' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json<{ error_code: string }>().error_code, 'VALIDATION_FAILED');
    const missing = await app.inject({ method: 'GET', url: `/health/probe/${randomUUID()}` });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json<{ error_code: string }>().error_code, 'NOT_FOUND');
    const unknown = await app.inject({ method: 'GET', url: '/api/v1/nowhere' });
    assert.equal(unknown.statusCode, 404);
    assert.deepEqual(Object.keys(unknown.json()).sort(), ['detail', 'error_code', 'message']);
  });

  void it('the probe endpoint does not exist unless enabled', async () => {
    const closed = await buildApp({ db, temporal: new Client({ connection }), taskQueue, healthProbeEnabled: false });
    const res = await closed.inject({ method: 'POST', url: '/health/probe' });
    assert.equal(res.statusCode, 404);
    await closed.close();
  });
});
