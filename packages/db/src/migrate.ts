/**
 * @module The migration runner (ARCHITECTURE D4): numbered `NNNN_name.up.sql` / `.down.sql`
 * pairs in `packages/db/migrations`, each applied in its own transaction and recorded in
 * `schema_migrations`. Runners serialise on an advisory lock, and running `up` twice is a no-op.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type pg from 'pg';
import { connectClient } from './connect';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));
/** Arbitrary but fixed: every runner of every process takes the same lock. */
const MIGRATION_LOCK_KEY = 7_233_001;

export type Migration = { version: string; up: string; down: string };
export type MigrateOptions = { direction: 'up' | 'down'; steps?: number; dir?: string };
export type MigrateResult = { applied: string[]; reverted: string[] };

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(`Migration ${file} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

const FILE_NAME = /^\d{4}_[a-z0-9_]+\.(up|down)\.sql$/;

/** Migrations on disk, in version order; a version without both files is an error. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql'));
  const misnamed = files.filter((f) => !FILE_NAME.test(f));
  if (misnamed.length) throw new Error(`Migration file names must look like 0001_name.up.sql / 0001_name.down.sql: ${misnamed.join(', ')}`);
  const versions = [...new Set(files.map((f) => f.replace(/\.(up|down)\.sql$/, '')))].sort();
  return versions.map((version) => {
    const read = (kind: 'up' | 'down') => {
      const file = `${version}.${kind}.sql`;
      if (!files.includes(file)) throw new Error(`Migration ${version} has no ${file}`);
      return readFileSync(join(dir, file), 'utf8');
    };
    return { version, up: read('up'), down: read('down') };
  });
}

async function appliedVersions(client: pg.Client): Promise<string[]> {
  await client.query(
    `create table if not exists schema_migrations (version text primary key, applied_at timestamptz not null default now())`,
  );
  const r = await client.query<{ version: string }>('select version from schema_migrations order by version');
  return r.rows.map((row) => row.version);
}

/**
 * Applies pending migrations (`up`, all by default) or reverts the newest ones (`down`, one by
 * default).
 * @example await migrate(process.env.DATABASE_URL!, { direction: 'up' });
 */
export async function migrate(url: string, opts: MigrateOptions): Promise<MigrateResult> {
  const migrations = loadMigrations(opts.dir);
  const client = await connectClient(url);
  const result: MigrateResult = { applied: [], reverted: [] };
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await appliedVersions(client);
    const unknown = applied.filter((v) => !migrations.some((m) => m.version === v));
    if (unknown.length) {
      throw new Error(
        `schema_migrations records ${unknown.join(', ')}, which ${opts.dir ?? 'packages/db/migrations'} does not hold: the database was migrated by other migrations; recreate it`,
      );
    }
    if (opts.steps !== undefined && !(opts.steps >= 1)) throw new Error(`steps must be at least 1, got ${opts.steps}`);
    const plan =
      opts.direction === 'up'
        ? migrations.filter((m) => !applied.includes(m.version)).slice(0, opts.steps ?? Infinity)
        : migrations.filter((m) => applied.includes(m.version)).reverse().slice(0, opts.steps ?? 1);
    for (const m of plan) {
      const file = `${m.version}.${opts.direction}.sql`;
      try {
        await client.query('begin');
        await client.query(opts.direction === 'up' ? m.up : m.down);
        if (opts.direction === 'up') await client.query('insert into schema_migrations (version) values ($1)', [m.version]);
        else await client.query('delete from schema_migrations where version = $1', [m.version]);
        await client.query('commit');
      } catch (err) {
        await client.query('rollback');
        throw new MigrationError(file, err);
      }
      (opts.direction === 'up' ? result.applied : result.reverted).push(m.version);
    }
    return result;
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}

/** `missingFile` marks a version the database records but the directory no longer holds. */
export type MigrationStatus = { version: string; applied: boolean; missingFile?: true };

/** Every migration on disk and whether it is applied, plus recorded versions without files. */
export async function migrationStatus(url: string, dir?: string): Promise<MigrationStatus[]> {
  const client = await connectClient(url);
  try {
    const applied = await appliedVersions(client);
    const onDisk = loadMigrations(dir).map((m): MigrationStatus => ({ version: m.version, applied: applied.includes(m.version) }));
    const missing = applied.filter((v) => !onDisk.some((m) => m.version === v)).map((version): MigrationStatus => ({ version, applied: true, missingFile: true }));
    return [...onDisk, ...missing].sort((a, b) => a.version.localeCompare(b.version));
  } finally {
    await client.end();
  }
}
