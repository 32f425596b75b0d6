/** @module Tests of the fixture model's CLI entry (ARCHITECTURE D7: `iama dev` and demos run it as a process). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startManagedProcess, ManagedProcessError } from '@iama/devstack/process';
import { getFreePort } from '@iama/devstack/ports';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'iama-fixture-cli-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const start = (port: number, logFile: string) =>
  startManagedProcess({
    name: 'fixture model',
    command: process.execPath,
    args: ['--import', 'tsx', MAIN, '--port', String(port)],
    logFile,
    ready: { url: `http://127.0.0.1:${port}/health`, logPattern: /fixture model listening/ },
    readyTimeoutMs: 20_000,
  });

void test('D7: `main.ts --port N` serves the fixture model and stops on SIGTERM', async () => {
  const port = await getFreePort();
  const proc = await start(port, join(dir, 'cli.log'));
  try {
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as {
      model: string;
    };
    assert.equal(health.model, 'iama-fixture-model');
  } finally {
    await proc.stop();
  }
  assert.equal((await proc.exited).code, 0, 'clean exit on SIGTERM');
});

void test('D7 failure path: a port in use ends the CLI with a one-line reason', async () => {
  const port = await getFreePort();
  const first = await start(port, join(dir, 'first.log'));
  try {
    await assert.rejects(start(port, join(dir, 'second.log')), (err: unknown) => {
      assert.ok(err instanceof ManagedProcessError && err.reason === 'exited');
      assert.ok(
        err.logTail.some(
          (l) =>
            l ===
            `Port ${port} (fixture model) is already in use: stop the process using it or pass --port`,
        ),
      );
      return true;
    });
  } finally {
    await first.stop();
  }
});
