/**
 * @module The embedded stack (issue #2): PostgreSQL, migrations, the Temporal dev server, the
 * fixture model, the LiteLLM Proxy, then (optionally) the API and the worker — each replaced by
 * its environment variable when set (`DATABASE_URL`, `TEMPORAL_ADDRESS`, `LITELLM_BASE_URL`).
 * Start-up is all or nothing: on any failure everything already started is stopped again.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createDb, migrate, startEmbeddedPostgres, waitForDatabase } from '@iama/db';
import { startFixtureModel } from '@iama/fixture-model';
import { fixtureRoutes, startLiteLlm } from './litellm';
import { loadModelRoutes, seedFixtureRoutes } from './model-routes';
import { assertPortFree, getFreePort } from './ports';
import { startManagedProcess } from './process';
import { REPO_ROOT, VENV_DIR } from './paths';
import { startTemporalDevServer } from './temporal';

export type StackPorts = {
  postgres: number;
  temporal: number;
  temporalHttp: number;
  fixtureModel: number;
  litellm: number;
  api: number;
};

export const DEFAULT_PORTS: StackPorts = {
  postgres: 54329,
  temporal: 7233,
  temporalHttp: 7243,
  fixtureModel: 4010,
  litellm: 4000,
  api: 8080,
};

export type StackOptions = {
  dataDir: string;
  /** Wipe the data directory first. */
  fresh?: boolean;
  /** Fixed ports, or `'ephemeral'` for free ports (tests). */
  ports?: StackPorts | 'ephemeral';
  /** `infra` stops before the API and worker (the test harness runs those in-process). */
  components?: 'infra' | 'all';
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** Where `temporal` and `litellm` are installed (default: the repository's `.venv`). */
  venvDir?: string;
};

export type StackUrls = {
  databaseUrl: string;
  temporalAddress: string;
  fixtureModelUrl: string | undefined;
  litellmBaseUrl: string;
  apiUrl: string | undefined;
};

export type RunningStack = StackUrls & {
  /** Process-group ids of the child processes the stack started (PostgreSQL manages its own). */
  processGroups: number[];
  stop(): Promise<void>;
};

type Stopper = { name: string; pid?: number; stop(): Promise<void> };

export async function startStack(opts: StackOptions): Promise<RunningStack> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((line: string) => console.log(line));
  const external = {
    database: env.DATABASE_URL,
    temporal: env.TEMPORAL_ADDRESS,
    litellm: env.LITELLM_BASE_URL,
  };
  const all = (opts.components ?? 'all') === 'all';
  const venvDir = opts.venvDir ?? VENV_DIR;
  const ports = opts.ports === 'ephemeral' ? await ephemeralPorts() : (opts.ports ?? DEFAULT_PORTS);

  if (opts.fresh) rmSync(opts.dataDir, { recursive: true, force: true });
  const logsDir = join(opts.dataDir, 'logs');
  mkdirSync(logsDir, { recursive: true });

  // Every prerequisite is checked before anything starts, so a failure leaves nothing behind.
  if ((!external.temporal || !external.litellm) && !existsSync(join(venvDir, 'bin', 'temporal'))) {
    throw new Error('The Python tools are not installed (.venv missing): run `npm run setup` first');
  }
  if (!external.database) await assertPortFree(ports.postgres, 'PostgreSQL', 'DATABASE_URL');
  if (!external.temporal) {
    await assertPortFree(ports.temporal, 'Temporal', 'TEMPORAL_ADDRESS');
    await assertPortFree(ports.temporalHttp, 'Temporal HTTP', 'TEMPORAL_ADDRESS');
  }
  if (!external.litellm) {
    await assertPortFree(ports.fixtureModel, 'fixture model', 'LITELLM_BASE_URL');
    await assertPortFree(ports.litellm, 'LiteLLM Proxy', 'LITELLM_BASE_URL');
  }
  if (all) await assertPortFree(ports.api, 'API', 'PORT');

  const started: Stopper[] = [];
  const stopAll = async () => {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    started.length = 0;
  };

  try {
    // 1. PostgreSQL, then migrations (the runner, never the apps, migrates: ARCHITECTURE D4).
    let databaseUrl = external.database;
    if (databaseUrl) {
      await waitForDatabase(databaseUrl, 5_000);
    } else {
      const pg = await startEmbeddedPostgres({ dataDir: join(opts.dataDir, 'postgres'), port: ports.postgres });
      started.push({ name: 'PostgreSQL', stop: pg.stop });
      databaseUrl = pg.url;
    }
    log(`  PostgreSQL     ${redactUrl(databaseUrl)}${external.database ? ' (DATABASE_URL)' : ''}`);
    await migrate(databaseUrl, { direction: 'up' });
    log('  migrations     up to date');

    // 2. Temporal.
    let temporalAddress = external.temporal;
    if (!temporalAddress) {
      const t = await startTemporalDevServer({
        venvDir,
        dataDir: opts.dataDir,
        port: ports.temporal,
        httpPort: ports.temporalHttp,
        logFile: join(logsDir, 'temporal.log'),
      });
      started.push({ name: 'Temporal', pid: t.process.pid, stop: () => t.process.stop() });
      temporalAddress = t.address;
    }
    log(`  Temporal       ${temporalAddress}${external.temporal ? ' (TEMPORAL_ADDRESS)' : ' (dev server, SQLite)'}`);

    // 3. Fixture model + LiteLLM Proxy, whose model list comes from the model.l1/l2/l3 configs.
    let litellmBaseUrl = external.litellm;
    let fixtureModelUrl: string | undefined;
    if (!litellmBaseUrl) {
      const fixture = await startFixtureModel({ port: ports.fixtureModel });
      started.push({ name: 'fixture model', stop: fixture.stop });
      fixtureModelUrl = fixture.url;
      log(`  fixture model  ${fixture.url} (deterministic stand-in for a provider, ARCHITECTURE D7)`);
      const { db, close } = createDb(databaseUrl);
      try {
        await seedFixtureRoutes(db, fixtureRoutes(fixture.url));
        const routes = await loadModelRoutes(db);
        const proxy = await startLiteLlm({
          venvDir,
          port: ports.litellm,
          configPath: join(opts.dataDir, 'litellm.config.json'),
          routes,
          env,
          logFile: join(logsDir, 'litellm.log'),
        });
        started.push({ name: 'LiteLLM Proxy', pid: proxy.process.pid, stop: proxy.stop });
        litellmBaseUrl = proxy.url;
      } finally {
        await close();
      }
    }
    log(`  LiteLLM Proxy  ${litellmBaseUrl}${external.litellm ? ' (LITELLM_BASE_URL)' : ''}`);

    // 4. API and worker as their own processes, as in production.
    let apiUrl: string | undefined;
    if (all) {
      const appEnv = {
        ...env,
        DATABASE_URL: databaseUrl,
        TEMPORAL_ADDRESS: temporalAddress,
        LITELLM_BASE_URL: litellmBaseUrl,
        IAMA_HEALTH_PROBE: '1',
      };
      const worker = await startManagedProcess({
        name: 'worker',
        command: process.execPath,
        args: ['--import', 'tsx', join(REPO_ROOT, 'apps/worker/src/main.ts')],
        env: appEnv,
        cwd: REPO_ROOT,
        logFile: join(logsDir, 'worker.log'),
        ready: { logPattern: /worker ready/ },
        readyTimeoutMs: 60_000,
      });
      started.push({ name: 'worker', pid: worker.pid, stop: worker.stop });
      log('  worker         registered with Temporal');
      apiUrl = `http://127.0.0.1:${ports.api}`;
      const api = await startManagedProcess({
        name: 'API',
        command: process.execPath,
        args: ['--import', 'tsx', join(REPO_ROOT, 'apps/api/src/server.ts')],
        env: { ...appEnv, PORT: String(ports.api), HOST: '127.0.0.1' },
        cwd: REPO_ROOT,
        logFile: join(logsDir, 'api.log'),
        ready: { url: `${apiUrl}/health` },
        readyTimeoutMs: 30_000,
      });
      started.push({ name: 'API', pid: api.pid, stop: api.stop });
      log(`  API            ${apiUrl}`);
    }

    return {
      databaseUrl,
      temporalAddress,
      fixtureModelUrl,
      litellmBaseUrl,
      apiUrl,
      processGroups: started.flatMap((s) => (s.pid ? [s.pid] : [])),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function ephemeralPorts(): Promise<StackPorts> {
  return {
    postgres: await getFreePort(),
    temporal: await getFreePort(),
    temporalHttp: await getFreePort(),
    fixtureModel: await getFreePort(),
    litellm: await getFreePort(),
    api: await getFreePort(),
  };
}

/** Connection strings may carry a password; never print it. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
}
