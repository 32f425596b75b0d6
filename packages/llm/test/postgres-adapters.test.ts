/**
 * @module The `@iama/llm/postgres` adapters on their own, against a scratch PostgreSQL database
 * (DB_SCHEMA §2 `usage_ledger` and invariant 7, §6 `audit_events`, §8 `dynamic_configs`; PRD V1
 * §9.10; V1-FR-BIL-001/002): insert-once by idempotency key, milli-credit quantities summed back
 * per phase for pre-authorization budgets, snake_case audit metadata with `model_class`, and
 * the failure paths (an unknown user, a route row that is not a route).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { LedgerEntry } from '../src/index';
import { dynamicConfigRoutes, pgAudit, pgLedger, seedModelRoutes } from '../src/postgres/index';
import { useScratchDatabase } from './harness';

let scratch: Awaited<ReturnType<typeof useScratchDatabase>>;
before(async () => {
  scratch = await useScratchDatabase();
});
after(() => scratch.stop());

async function userAndJob() {
  const { db } = scratch;
  const user = await db
    .insertInto('users')
    .values({ email: `${randomUUID()}@example.test` })
    .returning('id')
    .executeTakeFirstOrThrow();
  const job = await db
    .insertInto('refactor_jobs')
    .values({ owner_id: user.id, execution_mode: 'LOCAL_NATIVE', target_paths: ['a.ts'] })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { userId: user.id, jobId: job.id };
}

const entry = (
  ids: { userId: string; jobId: string },
  phase: 1 | 2 | 3,
  attemptNumber: number,
  credits: number,
  extra: Partial<LedgerEntry> = {},
): LedgerEntry => ({
  idempotencyKey: `${ids.jobId}:L${phase}:${attemptNumber}`,
  ...ids,
  modelClass: `L${phase}`,
  phase,
  eventType: `phase_${phase}_call`,
  attemptNumber,
  credits,
  promptTokens: 1000,
  cachedTokens: 0,
  completionTokens: 100,
  billable: true,
  failureClass: null,
  recordedAt: new Date(),
  ...extra,
});

void test('DB_SCHEMA invariant 7: the same key is inserted once (ON CONFLICT DO NOTHING); quantity is milli-credits; jobCredits sums phases ≥ n', async () => {
  const ids = await userAndJob();
  const ledger = pgLedger(scratch.db);
  assert.deepEqual(await ledger.record(entry(ids, 1, 1, 0.3004)), { inserted: true });
  assert.deepEqual(
    await ledger.record(entry(ids, 1, 1, 99)),
    { inserted: false },
    'a retry with other numbers changes nothing',
  );
  await ledger.record(entry(ids, 2, 2, 1.2345));
  await ledger.record(entry(ids, 3, 3, 2.5, { failureClass: 'LOGIC_FAILURE' }));
  await ledger.record(entry(ids, 2, 4, 7, { billable: false, failureClass: 'INFRA_FAILURE' }));
  const rows = await scratch.db
    .selectFrom('usage_ledger')
    .select(['idempotency_key', 'quantity', 'failure_class'])
    .where('job_id', '=', ids.jobId)
    .orderBy('idempotency_key')
    .execute();
  assert.deepEqual(
    rows.map((r) => [r.idempotency_key.slice(ids.jobId.length), r.quantity, r.failure_class]),
    [
      [':L1:1', 300, null],
      [':L2:2', 1235, null],
      [':L2:4', 7000, 'INFRA_FAILURE'],
      [':L3:3', 2500, 'LOGIC_FAILURE'],
    ],
  );
  assert.equal(await ledger.jobCredits(ids.jobId, 2), 3.735, 'phases 2 and 3, billable rows only');
  assert.equal(await ledger.jobCredits(ids.jobId, 1), 4.035);
  assert.equal(await ledger.jobCredits(randomUUID(), 1), 0);
});

void test('V1-FR-SUB-002 failure path: a ledger entry for a user that does not exist is refused by the foreign key and writes nothing', async () => {
  const ids = await userAndJob();
  await assert.rejects(
    pgLedger(scratch.db).record(entry({ ...ids, userId: randomUUID() }, 1, 1, 1)),
    /usage_ledger_user_id_fkey/,
  );
  assert.equal(
    (
      await scratch.db
        .selectFrom('usage_ledger')
        .select('id')
        .where('job_id', '=', ids.jobId)
        .execute()
    ).length,
    0,
  );
});

void test('ADR-002 action item 9: audit events are SYSTEM rows with snake_case metadata and model_class', async () => {
  const ids = await userAndJob();
  await pgAudit(scratch.db).record({
    eventType: 'model_output_policy_violation',
    jobId: ids.jobId,
    actorId: ids.userId,
    modelClass: 'L2',
    metadata: {
      violation: 'OUTPUT_CAP_EXCEEDED',
      willRetry: true,
      nested: { cutByRouter: false },
      skipped: undefined,
    },
  });
  const row = await scratch.db
    .selectFrom('audit_events')
    .select(['event_type', 'actor_id', 'surface', 'metadata'])
    .where('job_id', '=', ids.jobId)
    .executeTakeFirstOrThrow();
  assert.deepEqual(row, {
    event_type: 'model_output_policy_violation',
    actor_id: ids.userId,
    surface: 'SYSTEM',
    metadata: {
      violation: 'OUTPUT_CAP_EXCEEDED',
      will_retry: true,
      nested: { cut_by_router: false },
      model_class: 'L2',
    },
  });
});

void test('DB_SCHEMA §8.1 failure path: seeding validates routes; an unknown class key is ignored, an invalid row fails the load naming key and fields only', async () => {
  await assert.rejects(
    seedModelRoutes(scratch.db, {
      L1: {
        model_id: 'm',
        api_base_url: 'not a url',
        api_key_ref: 'r',
        output_token_limit: 1,
        enabled: true,
      },
    }),
  );
  await scratch.db
    .insertInto('dynamic_configs')
    .values({ config_key: 'model.l9', config_value: { anything: true } })
    .execute();
  assert.deepEqual(await dynamicConfigRoutes(scratch.db).load(), {});
  await scratch.db
    .insertInto('dynamic_configs')
    .values({
      config_key: 'model.l1',
      config_value: {
        model_id: 'm',
        api_base_url: 'http://x',
        api_key_ref: 'secrets/litellm/very_secret_ref',
        output_token_limit: 0,
        enabled: true,
      },
    })
    .execute();
  const err = await dynamicConfigRoutes(scratch.db)
    .load()
    .catch((e: unknown) => e as Error);
  assert.equal(
    (err as Error).message,
    'dynamic_configs model.l1 is not a valid route: output_token_limit',
  );
});
