/**
 * @module Throw-away PostgreSQL for scripts and tests: the server of `DATABASE_URL` when set,
 * otherwise an embedded one in a temporary directory; and scratch databases on it that are
 * created and dropped around one piece of work, so nobody else's data is touched.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCatalog, type SchemaCatalog } from './catalog';
import { connectClient } from './connect';
import { freePort, startEmbeddedPostgres, type RunningPostgres } from './embedded';
import { migrate } from './migrate';

/** `url` with another database name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** A temporary embedded server whose `stop()` also removes its data directory. */
export async function startTemporaryPostgres(): Promise<RunningPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'iama-pg-'));
  try {
    const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), port: await freePort() });
    return {
      url: pg.url,
      stop: async () => {
        await pg.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Runs `fn` with a PostgreSQL server URL: `env.DATABASE_URL` when set, else a temporary
 * embedded server, stopped afterwards.
 */
export async function withPostgresServer<T>(fn: (serverUrl: string) => Promise<T>, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  if (env.DATABASE_URL) return fn(env.DATABASE_URL);
  const pg = await startTemporaryPostgres();
  try {
    return await fn(pg.url);
  } finally {
    await pg.stop();
  }
}

/**
 * Creates `<prefix>_<random>` on the server of `serverUrl`, runs `fn` with its URL, then drops
 * it (also when `fn` fails).
 * @example await withScratchDatabase(url, 'iama_t', async (scratchUrl) => migrate(scratchUrl, { direction: 'up' }));
 */
export async function withScratchDatabase<T>(serverUrl: string, prefix: string, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `${prefix}_${randomBytes(8).toString('hex')}`;
  const admin = await connectClient(serverUrl);
  try {
    await admin.query(`create database ${admin.escapeIdentifier(name)}`);
    try {
      return await fn(withDatabase(serverUrl, name));
    } finally {
      await admin.query(`drop database if exists ${admin.escapeIdentifier(name)} with (force)`);
    }
  } finally {
    await admin.end();
  }
}

/** The catalog of a scratch database on `serverUrl` migrated to the latest version. */
export function migratedCatalog(serverUrl: string, migrationsDir?: string): Promise<SchemaCatalog> {
  return withScratchDatabase(serverUrl, 'iama_t', async (url) => {
    await migrate(url, { direction: 'up', dir: migrationsDir });
    const client = await connectClient(url);
    try {
      return await readCatalog(client);
    } finally {
      await client.end();
    }
  });
}
