/**
 * The embedded stack (issue #2): starts every component on free ports, answers health, keeps
 * data across restarts, `fresh` wipes it, stopping leaves no process, and a missing
 * prerequisite fails with one line and nothing half-started.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { groupAlive } from '../src/process';
import { REPO_ROOT } from '../src/paths';
import { startStack, type RunningStack } from '../src/stack';

/** The harness's own services must not leak into a stack that is meant to start everything. */
const isolatedEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  for (const k of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'LITELLM_BASE_URL', 'FIXTURE_MODEL_URL']) delete env[k];
  return env;
};

/** Processes whose command line mentions `needle` (the data directory of one stack). */
function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const state = /State:\s+(\w)/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      if (state !== 'Z' && cmdline.includes(needle)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

async function auditRowCount(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const r = await client.query<{ n: string }>(`select count(*) as n from audit_events where event_type = 'system.health_probe'`);
    return Number(r.rows[0]!.n);
  } finally {
    await client.end();
  }
}

void describe('embedded stack lifecycle (issue #2)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'iama-stack-'));
  let stack: RunningStack | undefined;
  after(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  void it('starts PostgreSQL, Temporal, fixture model, LiteLLM, API and worker, and the probe round-trips over HTTP', async () => {
    const began = Date.now();
    stack = await startStack({ dataDir, ports: 'ephemeral', env: isolatedEnv(), log: () => {} });
    console.log(`# full stack ready in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    const health = await fetch(`${stack.apiUrl}/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok', checks: { database: 'ok', temporal: 'ok' } });
    const probe = await fetch(`${stack.apiUrl}/health/probe`, { method: 'POST' });
    assert.equal(probe.status, 201);
    const models = await fetch(`${stack.litellmBaseUrl}/v1/models`, { headers: { authorization: 'Bearer x' } });
    const ids = ((await models.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id).sort();
    assert.deepEqual(ids, ['l1', 'l2', 'l3'], 'LiteLLM model list comes from the model.l1/l2/l3 configs');
  });

  void it('stopping leaves no process behind', async () => {
    const groups = stack!.processGroups;
    assert.equal(groups.length, 4, 'Temporal, LiteLLM, worker and API run as process groups');
    assert.ok(processesMentioning(dataDir).length > 0, 'PostgreSQL, Temporal and LiteLLM mention the data directory');
    await stack!.stop();
    stack = undefined;
    assert.deepEqual(groups.filter(groupAlive), []);
    assert.deepEqual(processesMentioning(dataDir), []);
  });

  void it('keeps data across restarts, and fresh wipes it', async () => {
    const env = isolatedEnv();
    // The second start reuses the same data directory: the probe row written above survives.
    stack = await startStack({ dataDir, ports: 'ephemeral', components: 'infra', env, log: () => {} });
    assert.equal(await auditRowCount(stack.databaseUrl), 1);
    await stack.stop();
    stack = await startStack({ dataDir, ports: 'ephemeral', components: 'infra', env, fresh: true, log: () => {} });
    assert.equal(await auditRowCount(stack.databaseUrl), 0);
    await stack.stop();
    stack = undefined;
  });
});

void describe('missing prerequisites fail with one line and start nothing (issue #2)', () => {
  void it('a port in use names the port, the service and the variable to set', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'iama-stack-'));
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      await assert.rejects(
        startStack({
          dataDir,
          env: isolatedEnv(),
          ports: { postgres: port, temporal: 1, temporalHttp: 1, fixtureModel: 1, litellm: 1, api: 1 },
          log: () => {},
        }),
        { message: `Port ${port} (PostgreSQL) is already in use: stop the process using it or set DATABASE_URL` },
      );
      assert.deepEqual(processesMentioning(dataDir), []);
      assert.equal(existsSync(join(dataDir, 'postgres')), false, 'nothing was initialised');
    } finally {
      blocker.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  void it('an unreachable DATABASE_URL is named without its password', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'iama-stack-'));
    try {
      await assert.rejects(
        startStack({ dataDir, ports: 'ephemeral', env: { ...isolatedEnv(), DATABASE_URL: 'postgres://u:hunter2@127.0.0.1:1/db' }, log: () => {} }),
        (err: Error) => /Cannot reach PostgreSQL at 127\.0\.0\.1:1/.test(err.message) && !err.message.includes('hunter2') && !err.message.includes('\n'),
      );
      assert.deepEqual(processesMentioning(dataDir), []);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  void it('without the Python tools the stack says to run setup', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'iama-stack-'));
    try {
      await assert.rejects(startStack({ dataDir, ports: 'ephemeral', env: isolatedEnv(), venvDir: join(dataDir, 'no-venv'), log: () => {} }), {
        message: 'The Python tools are not installed (.venv missing): run `npm run setup` first',
      });
      assert.deepEqual(processesMentioning(dataDir), []);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  void it('setup without python3 on PATH exits non-zero with one line naming the fix', () => {
    const venvDir = mkdtempSync(join(tmpdir(), 'iama-novenv-'));
    rmSync(venvDir, { recursive: true, force: true });
    // A PATH holding only `node`: setup checks every prerequisite before installing anything.
    const binDir = mkdtempSync(join(tmpdir(), 'iama-bin-'));
    symlinkSync(process.execPath, join(binDir, 'node'));
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/setup.mjs')], {
      cwd: REPO_ROOT,
      env: { PATH: binDir, HOME: process.env.HOME, IAMA_VENV_DIR: venvDir },
      encoding: 'utf8',
    });
    rmSync(binDir, { recursive: true, force: true });
    assert.equal(r.status, 1);
    assert.match(r.stderr.trim(), /^setup: python3 was not found on PATH; install Python 3\.10\+/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });
});
