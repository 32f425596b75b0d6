/**
 * @module Tests of the managed-process primitive (issue #2; ARCHITECTURE D3, D4, D7: every
 * embedded service runs as one).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { getFreePort } from '../src/ports';
import { ManagedProcessError, groupAlive, startManagedProcess } from '../src/process';

const dir = mkdtempSync(join(tmpdir(), 'iama-process-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function alive(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== undefined && state !== 'Z';
  } catch {
    return false;
  }
}

/** A Node one-liner that listens on `port` and answers 200 on /health. */
const httpServer = (port: number, delayMs = 0) =>
  `setTimeout(() => require('node:http').createServer((q, s) => { s.statusCode = q.url === '/health' ? 200 : 404; s.end('ok'); }).listen(${port}, '127.0.0.1'), ${delayMs})`;

void test('issue #2 D7: ready when the URL answers 2xx; output is appended to the log file', async () => {
  const port = await getFreePort();
  const logFile = join(dir, 'http.log');
  const proc = await startManagedProcess({
    name: 'http server',
    command: process.execPath,
    args: ['-e', `console.log('booting'); ${httpServer(port, 300)}`],
    logFile,
    ready: { url: `http://127.0.0.1:${port}/health` },
    readyTimeoutMs: 10_000,
  });
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    assert.equal(res.status, 200);
    assert.match(readFileSync(logFile, 'utf8'), /booting/);
  } finally {
    await proc.stop();
  }
  assert.equal(alive(proc.pid), false);
  const exit = await proc.exited;
  assert.equal(exit.signal, 'SIGTERM');
});

void test('issue #2 D3: ready when the TCP port accepts connections', async () => {
  const port = await getFreePort();
  const proc = await startManagedProcess({
    name: 'tcp server',
    command: process.execPath,
    args: [
      '-e',
      `setTimeout(() => require('node:net').createServer(() => {}).listen(${port}, '127.0.0.1'), 300)`,
    ],
    logFile: join(dir, 'tcp.log'),
    ready: { tcpPort: port },
    readyTimeoutMs: 10_000,
  });
  await proc.stop();
  assert.equal(groupAlive(proc.pid), false);
});

void test('issue #2 D3: ready when a log line matches, even one split across writes', async () => {
  const logFile = join(dir, 'pattern.log');
  const proc = await startManagedProcess({
    name: 'worker',
    command: 'sh',
    args: [
      '-c',
      'echo starting; sleep 0.3; printf "worker "; sleep 0.3; echo ready; exec sleep 60',
    ],
    logFile,
    ready: { logPattern: /worker ready/ },
    readyTimeoutMs: 10_000,
  });
  await proc.stop();
  assert.equal(alive(proc.pid), false);
});

void test('issue #2 D3: a log line from an earlier run in the same file does not count as ready', async () => {
  const logFile = join(dir, 'stale.log');
  const first = await startManagedProcess({
    name: 'stale',
    command: 'sh',
    args: ['-c', 'echo worker ready; exec sleep 60'],
    logFile,
    ready: { logPattern: /worker ready/ },
  });
  await first.stop();
  await assert.rejects(
    startManagedProcess({
      name: 'stale',
      command: 'sleep',
      args: ['60'],
      logFile,
      ready: { logPattern: /worker ready/ },
      readyTimeoutMs: 500,
    }),
    (err: unknown) => err instanceof ManagedProcessError && err.reason === 'timeout',
  );
});

void test('issue #2 failure path: a process that exits before it is ready rejects with a one-line error naming the log', async () => {
  const logFile = join(dir, 'early-exit.log');
  const err = await startManagedProcess({
    name: 'Temporal',
    command: 'sh',
    args: ['-c', 'echo "line one"; echo "fatal: bad flag" >&2; exit 3'],
    logFile,
    ready: { url: 'http://127.0.0.1:9/never' },
    readyTimeoutMs: 10_000,
  }).then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ManagedProcessError);
  assert.equal(err.message, `Temporal exited before it was ready (code 3): see ${logFile}`);
  assert.doesNotMatch(err.message, /\n/);
  assert.equal(err.reason, 'exited');
  assert.equal(err.service, 'Temporal');
  assert.deepEqual(err.logTail, ['line one', 'fatal: bad flag']);
});

void test('issue #2 failure path: a readiness timeout rejects clearly and leaves no process behind', async () => {
  const logFile = join(dir, 'timeout.log');
  const pidFile = join(dir, 'timeout.pid');
  const started = Date.now();
  const err = await startManagedProcess({
    name: 'LiteLLM Proxy',
    command: 'sh',
    // The grandchild ignores SIGTERM, so stop() must escalate to SIGKILL.
    args: [
      '-c',
      `sh -c 'trap "" TERM; echo $$ > ${pidFile}; while true; do sleep 0.1; done' & wait`,
    ],
    logFile,
    ready: { logPattern: /never printed/ },
    readyTimeoutMs: 800,
    stopGraceMs: 300,
  }).then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ManagedProcessError);
  assert.equal(err.message, `LiteLLM Proxy was not ready within 0.8 s: see ${logFile}`);
  assert.equal(err.reason, 'timeout');
  assert.ok(Date.now() - started < 5_000);
  const grandchild = Number(readFileSync(pidFile, 'utf8'));
  assert.equal(alive(grandchild), false, 'the SIGTERM-ignoring grandchild was killed');
});

void test('issue #2 failure path: a missing executable rejects with the command, not a hang', async () => {
  await assert.rejects(
    startManagedProcess({
      name: 'Temporal',
      command: join(dir, 'no-such-binary'),
      logFile: join(dir, 'missing.log'),
      readyTimeoutMs: 1_000,
    }),
    (err: unknown) =>
      err instanceof ManagedProcessError &&
      err.reason === 'spawn' &&
      /Temporal could not start \(ENOENT: .*no-such-binary\)/.test(err.message),
  );
});

void test('issue #2: stop() kills the children of the child (the whole process group)', async () => {
  const pidFile = join(dir, 'tree.pid');
  const proc = await startManagedProcess({
    name: 'tree',
    command: 'sh',
    args: ['-c', `sleep 300 & echo $! > ${pidFile}; echo spawned; wait`],
    logFile: join(dir, 'tree.log'),
    ready: { logPattern: /spawned/ },
  });
  await sleep(50);
  const sleepPid = Number(readFileSync(pidFile, 'utf8'));
  assert.ok(alive(proc.pid) && alive(sleepPid), 'shell and its sleep are running');
  await proc.stop();
  assert.equal(alive(proc.pid), false, 'shell is gone');
  assert.equal(alive(sleepPid), false, 'its sleep is gone');
  await proc.stop(); // idempotent
});

void test('issue #2: with no readiness check the process is ready once spawned; exited reports the code', async () => {
  const proc = await startManagedProcess({
    name: 'one-shot',
    command: 'sh',
    args: ['-c', 'exit 7'],
    logFile: join(dir, 'sub', 'dir', 'one-shot.log'),
  });
  assert.deepEqual(await proc.exited, { code: 7, signal: null });
  assert.ok(existsSync(join(dir, 'sub', 'dir', 'one-shot.log')), 'log directory created');
  await proc.stop();
});
