/**
 * @module The migration runner and `npm run db:migrate` (issue #2; ARCHITECTURE D4): idempotent,
 * one transaction per file, a failing file rolls back completely and is named, foreign
 * bookkeeping is refused, and every operator-facing error is one line without a password.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { connectClient } from '../src/connect';
import { loadMigrations, migrate, migrationStatus } from '../src/migrate';
import { stopTestServer, withTestDatabase } from './helpers';

const VERSIONS = [
  '0001_core_v1',
  '0002_jobs_spec_test',
  '0003_admin_console',
  '0004_audit_payment_config_support_billing',
  '0005_v2',
  '0006_refresh_tokens',
  '0009_admin_credentials',
  '0010_test_run_requests',
  '0012_job_events',
];
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'iama-mig-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

async function publicTables(url: string): Promise<string[]> {
  const client = await connectClient(url);
  try {
    const r = await client.query<{ tablename: string }>(`select tablename from pg_tables where schemaname = 'public' order by 1`);
    return r.rows.map((row) => row.tablename);
  } finally {
    await client.end();
  }
}

/** `npm run db:migrate` exactly as the root script runs it. */
function cli(args: string[], databaseUrl: string | undefined) {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'packages/db/src/cli.ts', ...args], { cwd: REPO_ROOT, env, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

void describe('migration runner (issue #2; ARCHITECTURE D4)', () => {
  after(stopTestServer);

  void it('D4: the migrations are the DB_SCHEMA section groups plus the recorded addition, each with its down file', () => {
    assert.deepEqual(loadMigrations().map((m) => m.version), VERSIONS);
  });

  void it('D4: up twice applies once; status reports every version; down 1 reverts the newest; down steps reverts in reverse order', async () => {
    await withTestDatabase(async (url) => {
      assert.deepEqual((await migrate(url, { direction: 'up' })).applied, VERSIONS);
      assert.deepEqual((await migrate(url, { direction: 'up' })).applied, []);
      assert.ok((await migrationStatus(url)).every((m) => m.applied));
      const [newest, second, third] = [...VERSIONS].reverse();
      assert.deepEqual((await migrate(url, { direction: 'down' })).reverted, [newest]);
      assert.deepEqual((await migrationStatus(url)).map((m) => m.applied), VERSIONS.map((v) => v !== newest));
      assert.deepEqual((await migrate(url, { direction: 'down', steps: 2 })).reverted, [second, third]);
      assert.deepEqual((await migrate(url, { direction: 'up', steps: 1 })).applied, [third]);
    });
  });

  void it('D4: concurrent runners serialise on the advisory lock; every migration is applied exactly once', async () => {
    await withTestDatabase(async (url) => {
      const [a, b] = await Promise.all([migrate(url, { direction: 'up' }), migrate(url, { direction: 'up' })]);
      assert.deepEqual([...a.applied, ...b.applied].sort(), VERSIONS);
    });
  });

  void it('failure path: a failing migration rolls back entirely, is named, and leaves earlier ones applied', async () => {
    const dir = migrationsDir({
      '0001_ok.up.sql': 'create table ok_t (id int);',
      '0001_ok.down.sql': 'drop table ok_t;',
      '0002_bad.up.sql': 'create table half_t (id int);\ninsert into nowhere values (1);',
      '0002_bad.down.sql': 'drop table half_t;',
    });
    try {
      await withTestDatabase(async (url) => {
        await assert.rejects(migrate(url, { direction: 'up', dir }), {
          name: 'MigrationError',
          file: '0002_bad.up.sql',
          message: /^Migration 0002_bad\.up\.sql failed: relation "nowhere" does not exist/,
        });
        assert.deepEqual(await publicTables(url), ['ok_t', 'schema_migrations'], 'half_t was rolled back');
        assert.deepEqual((await migrationStatus(url, dir)).map((m) => m.applied), [true, false]);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  void it('failure path: a failing down file rolls back and keeps the migration recorded', async () => {
    const dir = migrationsDir({
      '0001_ok.up.sql': 'create table ok_t (id int);',
      '0001_ok.down.sql': 'drop table ok_t;\ndrop table not_there;',
    });
    try {
      await withTestDatabase(async (url) => {
        await migrate(url, { direction: 'up', dir });
        await assert.rejects(migrate(url, { direction: 'down', dir }), { message: /^Migration 0001_ok\.down\.sql failed: table "not_there" does not exist/ });
        assert.deepEqual(await publicTables(url), ['ok_t', 'schema_migrations']);
        assert.deepEqual(await migrationStatus(url, dir), [{ version: '0001_ok', applied: true }]);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  void it('failure path: a migration without its down file, or a misnamed file, is refused before anything runs', async () => {
    const lonely = migrationsDir({ '0001_lonely.up.sql': 'create table lonely_t (id int);' });
    const misnamed = migrationsDir({ '1_x.up.sql': 'select 1;', '1_x.down.sql': 'select 1;' });
    try {
      await withTestDatabase(async (url) => {
        await assert.rejects(migrate(url, { direction: 'up', dir: lonely }), { message: 'Migration 0001_lonely has no 0001_lonely.down.sql' });
        await assert.rejects(migrate(url, { direction: 'up', dir: misnamed }), { message: /must look like 0001_name\.up\.sql.*: 1_x\.down\.sql, 1_x\.up\.sql$/ });
        assert.deepEqual(await publicTables(url), []);
      });
    } finally {
      rmSync(lonely, { recursive: true, force: true });
      rmSync(misnamed, { recursive: true, force: true });
    }
  });

  void it('failure path: a database migrated by versions this directory does not hold is refused, and status shows them', async () => {
    const dir = migrationsDir({ '0001_ok.up.sql': 'create table ok_t (id int);', '0001_ok.down.sql': 'drop table ok_t;' });
    try {
      await withTestDatabase(async (url) => {
        await migrate(url, { direction: 'up', dir });
        const client = await connectClient(url);
        await client.query(`insert into schema_migrations (version) values ('0000_elsewhere')`);
        await client.end();
        await assert.rejects(migrate(url, { direction: 'up', dir }), { message: /^schema_migrations records 0000_elsewhere, which .* does not hold/ });
        assert.deepEqual(await migrationStatus(url, dir), [
          { version: '0000_elsewhere', applied: true, missingFile: true },
          { version: '0001_ok', applied: true },
        ]);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  void it('failure path: an unreachable server is one line naming host and port, never the password', async () => {
    await assert.rejects(migrate('postgres://u:s3cret@127.0.0.1:1/x', { direction: 'up' }), (err: Error) => {
      assert.equal(
        err.message,
        'Cannot reach PostgreSQL at 127.0.0.1:1 (ECONNREFUSED): check DATABASE_URL or unset it to use the embedded server',
      );
      return true;
    });
  });

  void it('npm run db:migrate: up, status, down n against DATABASE_URL', async () => {
    await withTestDatabase(async (url) => {
      const up = cli([], url);
      assert.equal(up.status, 0, up.stderr);
      assert.equal(up.stdout, `applied: ${VERSIONS.join(', ')}`);
      assert.equal(cli(['up'], url).stdout, 'nothing to do');
      const down = cli(['down', '2'], url);
      const [newest, second] = [...VERSIONS].reverse();
      assert.equal(down.stdout, `reverted: ${newest}, ${second}`);
      const status = cli(['status'], url);
      assert.deepEqual(status.stdout.split('\n'), [
        ...VERSIONS.slice(0, -2).map((v) => `applied  ${v}`),
        `pending  ${second}`,
        `pending  ${newest}`,
      ]);
    });
  });

  void it('failure path: npm run db:migrate without DATABASE_URL, with a bad command, or an unreachable server exits 1 with one line', () => {
    const missing = cli([], undefined);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^db:migrate: DATABASE_URL is not set: [^\n]+$/);

    const bad = cli(['sideways'], 'postgres://u:p@127.0.0.1:1/x');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^db:migrate: unknown command 'sideways'[^\n]+$/);

    const unreachable = cli(['status'], 'postgres://u:s3cret@127.0.0.1:1/x');
    assert.equal(unreachable.status, 1);
    assert.match(unreachable.stderr, /^db:migrate: Cannot reach PostgreSQL at 127\.0\.0\.1:1 \(ECONNREFUSED\)[^\n]+$/);
    assert.ok(!unreachable.stderr.includes('s3cret'));
  });
});
