/**
 * @module The typed query layer (issue #2): `createDb` over a real migrated database, and the
 * generated column types are what pg really returns (uuid/bigint/numeric as strings, timestamptz
 * as Date, text[] as string[], jsonb parsed), checked at run time and, through the annotations
 * below, by the type checker.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Selectable } from 'kysely';
import { createDb } from '../src/create-db';
import type { JsonValue, OrganizationWalletsTable, RefactorJobsTable } from '../src/database';
import { migrate } from '../src/migrate';
import { stopTestServer, withTestDatabase } from './helpers';

void describe('typed query layer (issue #2; DB_SCHEMA §2, §3, §4, §12, §16)', () => {
  after(stopTestServer);

  void it('round-trips every column family with the types the Database type declares', async () => {
    await withTestDatabase(async (url) => {
      await migrate(url, { direction: 'up' });
      const { db, close } = createDb(url);
      try {
        const user = await db.insertInto('users').values({ email: 'dev@example.test' }).returning(['id', 'created_at']).executeTakeFirstOrThrow();
        assert.match(user.id, /^[0-9a-f-]{36}$/);
        assert.ok(user.created_at instanceof Date);

        const job: Selectable<RefactorJobsTable> = await db
          .insertInto('refactor_jobs')
          .values({ owner_id: user.id, execution_mode: 'LOCAL_NATIVE', target_paths: ['src/a.py', 'src/b.py'] })
          .returningAll()
          .executeTakeFirstOrThrow();
        const paths: string[] = job.target_paths;
        assert.deepEqual(paths, ['src/a.py', 'src/b.py']);
        assert.equal(job.status, 'PENDING');
        assert.equal(job.attempt_count, 0);
        assert.equal(job.completed_at, null);

        // jsonb: an object is written as is; an array must be JSON text (pg would send a PG array).
        const rev = await db
          .insertInto('spec_revisions')
          .values({
            job_id: job.id,
            revision_token: 'opaque-1',
            actor_id: user.id,
            surface: 'IDE',
            bdd_snapshot: JSON.stringify([{ given: 'g', when: 'w', then: 't' }]),
            sdd_snapshot: { components: ['parser'] },
          })
          .returning(['bdd_snapshot', 'sdd_snapshot'])
          .executeTakeFirstOrThrow();
        const bdd: JsonValue = rev.bdd_snapshot;
        assert.deepEqual(bdd, [{ given: 'g', when: 'w', then: 't' }]);
        assert.deepEqual(rev.sdd_snapshot, { components: ['parser'] });

        const org = await db.insertInto('organizations').values({ name: 'Acme', owner_id: user.id, tier: 'ENTERPRISE' }).returning('id').executeTakeFirstOrThrow();
        const wallet: Selectable<OrganizationWalletsTable> = await db
          .insertInto('organization_wallets')
          .values({ org_id: org.id, sandbox_seconds_balance: 9_007_199_254_740_993n })
          .returningAll()
          .executeTakeFirstOrThrow();
        const seconds: string = wallet.sandbox_seconds_balance;
        assert.equal(seconds, '9007199254740993', 'bigint is read exactly, beyond Number.MAX_SAFE_INTEGER');

        const usage = await db
          .insertInto('premium_usage_ledger')
          .values({ job_id: job.id, billing_subject: 'ORG', subject_id: org.id, dimension: 'SANDBOX_SECONDS', quantity: '12.50' })
          .returning('quantity')
          .executeTakeFirstOrThrow();
        assert.equal(usage.quantity, '12.50', 'numeric is read exactly as text');

        const audit = await db
          .insertInto('audit_events')
          .values({ actor_id: user.id, job_id: job.id, event_type: 'JOB_CREATED', ip_address: '192.0.2.7', surface: 'API' })
          .returning(['metadata', 'ip_address'])
          .executeTakeFirstOrThrow();
        assert.deepEqual(audit.metadata, {});
        assert.equal(audit.ip_address, '192.0.2.7');
      } finally {
        await close();
      }
    });
  });

  void it('failure path: a constraint violation surfaces as the PostgreSQL error and writes nothing', async () => {
    await withTestDatabase(async (url) => {
      await migrate(url, { direction: 'up' });
      const { db, close } = createDb(url);
      try {
        await assert.rejects(
          db.transaction().execute(async (trx) => {
            await trx.insertInto('users').values({ email: 'x@example.test' }).execute();
            await trx.insertInto('users').values({ email: 'x@example.test' }).execute();
          }),
          { code: '23505', constraint: 'users_email_key' },
        );
        assert.equal((await db.selectFrom('users').select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n, '0');
      } finally {
        await close();
      }
    });
  });
});
