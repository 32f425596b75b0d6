/**
 * The migration runner (issue #2; ARCHITECTURE D4): idempotent, one transaction per file, a
 * failing file rolls back completely and is named; an unreachable server is one line.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { connectClient } from '../src/connect';
import { migrate, migrationStatus } from '../src/migrate';
import { withScratchDatabase } from './helpers';

describe('migration runner (issue #2)', () => {
  it('up twice applies once; status reports every version; down 1 reverts the newest', async () => {
    await withScratchDatabase(async (url) => {
      const first = await migrate(url, { direction: 'up' });
      assert.deepEqual(first.applied, ['0001_v1_core', '0002_v2', '0003_refresh_tokens']);
      assert.deepEqual((await migrate(url, { direction: 'up' })).applied, []);
      assert.ok((await migrationStatus(url)).every((m) => m.applied));
      assert.deepEqual((await migrate(url, { direction: 'down' })).reverted, ['0003_refresh_tokens']);
      assert.deepEqual((await migrationStatus(url)).map((m) => m.applied), [true, true, false]);
    });
  });

  it('a failing migration rolls back entirely, is named, and leaves earlier ones applied', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iama-mig-'));
    writeFileSync(join(dir, '0001_ok.up.sql'), 'create table ok_t (id int);');
    writeFileSync(join(dir, '0001_ok.down.sql'), 'drop table ok_t;');
    writeFileSync(join(dir, '0002_bad.up.sql'), 'create table half_t (id int); insert into nowhere values (1);');
    writeFileSync(join(dir, '0002_bad.down.sql'), 'drop table half_t;');
    try {
      await withScratchDatabase(async (url) => {
        await assert.rejects(migrate(url, { direction: 'up', dir }), {
          name: 'MigrationError',
          message: /^Migration 0002_bad\.up\.sql failed: relation "nowhere" does not exist/,
        });
        const client = await connectClient(url);
        const tables = await client.query(`select tablename from pg_tables where schemaname = 'public' order by 1`);
        await client.end();
        assert.deepEqual(tables.rows.map((r) => r.tablename), ['ok_t', 'schema_migrations'], 'half_t was rolled back');
        assert.deepEqual((await migrationStatus(url, dir)).map((m) => m.applied), [true, false]);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a migration without its down file is refused before anything runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iama-mig-'));
    writeFileSync(join(dir, '0001_lonely.up.sql'), 'select 1;');
    try {
      await withScratchDatabase(async (url) => {
        await assert.rejects(migrate(url, { direction: 'up', dir }), { message: 'Migration 0001_lonely has no 0001_lonely.down.sql' });
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unreachable server is one line naming host and port, never the password', async () => {
    await assert.rejects(migrate('postgres://u:s3cret@127.0.0.1:1/x', { direction: 'up' }), (err: Error) => {
      assert.match(err.message, /^Cannot reach PostgreSQL at 127\.0\.0\.1:1 \(ECONNREFUSED\): check DATABASE_URL/);
      assert.ok(!err.message.includes('s3cret') && !err.message.includes('\n'));
      return true;
    });
  });
});
