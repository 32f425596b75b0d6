/**
 * Monthly quota refresh on the real Temporal dev server and PostgreSQL (issue #5; V1-FR-PAY-003,
 * PRD V1 §9.10 "resets on billing cycle anniversary"): the workflow run directly and through its
 * Temporal Schedule, each moved cycle with an audit event, cancelled entitlements left alone.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { connectClient, createDb, migrate, withDatabase, type Db } from '@iama/db';
import { requireTestStack } from '@iama/devstack';
import {
  createQuotaRefreshActivities,
  ensureQuotaRefreshSchedule,
} from '../src/activities/quota-refresh';
import { workflowBundle } from '../src/worker';

const env = requireTestStack();
const dbName = `iama_t_${randomBytes(8).toString('hex')}`;
const taskQueue = `test-quota-refresh-${randomUUID()}`;
let handle: Db;
let connection: Connection;
let nativeConnection: NativeConnection;
let client: Client;
let worker: Worker;
let running: Promise<void>;

async function userWithCycle(status: string, start: Date, end: Date): Promise<string> {
  const u = await handle.db
    .insertInto('users')
    .values({ email: `${randomUUID()}@example.test` })
    .returning('id')
    .executeTakeFirstOrThrow();
  await handle.db
    .insertInto('subscription_tiers')
    .values({
      user_id: u.id,
      tier: 'PRO',
      status,
      context_cap: 200000,
      operating_mode: 'PROFESSIONAL',
      billing_cycle_start: start,
      billing_cycle_end: end,
    })
    .execute();
  return u.id;
}

const ago = (days: number) => new Date(Date.now() - days * 86_400_000);

async function cycleOf(userId: string) {
  return handle.db
    .selectFrom('subscription_tiers')
    .select(['billing_cycle_start', 'billing_cycle_end'])
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
}

async function refreshEvents(userId: string) {
  return handle.db
    .selectFrom('audit_events')
    .selectAll()
    .where('event_type', '=', 'quota.cycle_refreshed')
    .where('actor_id', '=', userId)
    .execute();
}

void describe('quota refresh workflow and schedule (V1-FR-PAY-003)', () => {
  before(async () => {
    const admin = await connectClient(env.databaseUrl);
    await admin.query(`create database ${admin.escapeIdentifier(dbName)}`);
    await admin.end();
    const url = withDatabase(env.databaseUrl, dbName);
    await migrate(url, { direction: 'up' });
    handle = createDb(url);
    connection = await Connection.connect({ address: env.temporalAddress });
    nativeConnection = await NativeConnection.connect({ address: env.temporalAddress });
    client = new Client({ connection });
    worker = await Worker.create({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: createQuotaRefreshActivities(handle.db),
    });
    running = worker.run();
  });

  after(async () => {
    worker.shutdown();
    await running;
    await nativeConnection.close();
    await connection.close();
    await handle.close();
    const admin = await connectClient(env.databaseUrl);
    await admin.query(`drop database if exists ${admin.escapeIdentifier(dbName)} with (force)`);
    await admin.end();
  });

  void it('V1-FR-PAY-003: the workflow moves ended cycles to the current anniversary with an audit record, once', async () => {
    const due = await userWithCycle('ACTIVE', ago(40), ago(9));
    const current = await userWithCycle('ACTIVE', ago(5), new Date(Date.now() + 25 * 86_400_000));
    const cancelled = await userWithCycle('CANCELLED', ago(40), ago(9));
    const before = await cycleOf(due);
    const first = await client.workflow.execute('quotaRefreshWorkflow', {
      taskQueue,
      workflowId: `quota-refresh-${randomUUID()}`,
      args: [],
    });
    assert.ok((first as { refreshed: number }).refreshed >= 1);
    const moved = await cycleOf(due);
    assert.equal(moved.billing_cycle_start.toISOString(), before.billing_cycle_end.toISOString());
    assert.ok(moved.billing_cycle_end > new Date());
    const events = await refreshEvents(due);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.surface, 'SYSTEM');
    assert.equal(events[0]!.new_state, moved.billing_cycle_start.toISOString());
    assert.equal((await refreshEvents(current)).length, 0);
    assert.equal(
      (await refreshEvents(cancelled)).length,
      0,
      'a cancelled entitlement is not refreshed',
    );

    const second = await client.workflow.execute('quotaRefreshWorkflow', {
      taskQueue,
      workflowId: `quota-refresh-${randomUUID()}`,
      args: [],
    });
    assert.equal((second as { refreshed: number }).refreshed, 0);
    assert.equal((await refreshEvents(due)).length, 1);
  });

  void it('V1-FR-PAY-003: the Temporal Schedule runs the refresh; installing it again updates rather than fails', async () => {
    const due = await userWithCycle('ACTIVE', ago(35), ago(2));
    const scheduleId = `test-quota-refresh-${randomUUID()}`;
    assert.equal(
      await ensureQuotaRefreshSchedule(client, { taskQueue, scheduleId, every: '1 day' }),
      scheduleId,
    );
    assert.equal(
      await ensureQuotaRefreshSchedule(client, { taskQueue, scheduleId, every: '12 hours' }),
      scheduleId,
    );
    const schedule = client.schedule.getHandle(scheduleId);
    try {
      const described = await schedule.describe();
      assert.deepEqual(
        (described.spec.intervals ?? []).map((i) => i.every),
        [12 * 3600 * 1000],
      );
      assert.equal(described.action.type, 'startWorkflow');
      await schedule.trigger();
      for (let i = 0; i < 150 && (await refreshEvents(due)).length === 0; i++)
        await new Promise((r) => setTimeout(r, 200));
      assert.equal(
        (await refreshEvents(due)).length,
        1,
        'the triggered run refreshed the due cycle',
      );
    } finally {
      await schedule.delete();
    }
  });
});
