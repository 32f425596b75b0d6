/**
 * @module Managed processes of the embedded stack (issue #2; ARCHITECTURE D3, D4, D7): a child
 * started in its own process group with its output appended to a log file, awaited until it is
 * ready (URL, TCP port or log line), and stopped group-wide so nothing it spawned outlives it.
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
} from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Every given check must pass; with none the process counts as ready once spawned. */
export type ReadyCheck = {
  /** Ready when a GET answers 2xx. */
  url?: string;
  /** Ready when 127.0.0.1:tcpPort accepts a connection. */
  tcpPort?: number;
  /** Ready when a line the process writes (after this start) matches. */
  logPattern?: RegExp;
};

export type ManagedProcessOptions = {
  /** Human name used in every message, e.g. `Temporal`. */
  name: string;
  command: string;
  args?: readonly string[];
  /** The child's complete environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** stdout and stderr are appended here; its directory is created. */
  logFile: string;
  ready?: ReadyCheck;
  /** Default 30 s. */
  readyTimeoutMs?: number;
  /** Time between SIGTERM and SIGKILL on stop. Default 5 s. */
  stopGraceMs?: number;
};

export type ProcessExit = { code: number | null; signal: NodeJS.Signals | null };

export type ManagedProcess = {
  name: string;
  pid: number;
  logFile: string;
  /** SIGTERM to the group, SIGKILL after the grace period; resolves once the group is gone. Idempotent. */
  stop(): Promise<void>;
  /** Settles when the direct child exits (never rejects). */
  exited: Promise<ProcessExit>;
};

export type StartFailure = 'spawn' | 'exited' | 'timeout';

/** A start that failed. The message is one line; the log's last lines are in `logTail`. */
export class ManagedProcessError extends Error {
  override readonly name = 'ManagedProcessError';
  constructor(
    message: string,
    readonly service: string,
    readonly reason: StartFailure,
    readonly logFile: string,
    readonly logTail: string[],
  ) {
    super(message);
  }
}

const POLL_MS = 100;
const LOG_TAIL_LINES = 20;
const KILL_WAIT_MS = 5_000;

/** Process groups still running, killed if this process exits without stopping them. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Only synchronous work is possible here; SIGTERM still lets PostgreSQL and Temporal shut down cleanly.
  process.on('exit', () => {
    for (const pgid of liveGroups) signalGroup(pgid, 'SIGTERM');
  });
}

/**
 * Starts a process and resolves once it is ready; on failure nothing is left running.
 * @example
 * const pg = await startManagedProcess({ name: 'echo server', command: 'node', args: ['server.js'],
 *   logFile: '.data/logs/echo.log', ready: { tcpPort: 9000 } });
 * await pg.stop();
 */
export async function startManagedProcess(opts: ManagedProcessOptions): Promise<ManagedProcess> {
  const { name, logFile } = opts;
  mkdirSync(dirname(logFile), { recursive: true });
  const fd = openSync(logFile, 'a');
  const logStart = statSync(logFile).size;
  const fail = (reason: StartFailure, what: string) =>
    new ManagedProcessError(
      `${name} ${what}: see ${logFile}`,
      name,
      reason,
      logFile,
      readLogTail(logFile, logStart),
    );

  // The child writes straight into the file, so its output is kept even if this process is busy or gone.
  const child = spawn(opts.command, opts.args ?? [], {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);

  const spawned = await new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', resolve);
  });
  if (spawned || child.pid === undefined) {
    const code = (spawned as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';
    throw fail('spawn', `could not start (${code}: ${opts.command})`);
  }
  const pid = child.pid;
  liveGroups.add(pid);
  installExitHook();

  let exitInfo: ProcessExit | undefined;
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    // Waiting for `exited` too means callers see the exit status as soon as stop() resolves.
    stopping ??= stopGroup(pid, opts.stopGraceMs ?? 5_000)
      .then(() => exited)
      .then(() => undefined)
      .finally(() => liveGroups.delete(pid));
    return stopping;
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  const pending = { ...opts.ready };
  let logOffset = logStart;
  let logCarry = '';
  for (;;) {
    if (exitInfo) {
      await stop();
      const how = exitInfo.signal ? `signal ${exitInfo.signal}` : `code ${exitInfo.code}`;
      throw fail('exited', `exited before it was ready (${how})`);
    }
    if (pending.logPattern) {
      const chunk = readFrom(logFile, logOffset);
      logOffset += chunk.length;
      const lines = (logCarry + chunk.toString('utf8')).split('\n');
      logCarry = lines.pop() ?? '';
      if ([...lines, logCarry].some((line) => pending.logPattern!.test(line)))
        delete pending.logPattern;
    }
    if (pending.tcpPort !== undefined && (await tcpAccepts(pending.tcpPort)))
      delete pending.tcpPort;
    if (pending.url !== undefined && (await urlAnswers(pending.url))) delete pending.url;
    if (
      pending.logPattern === undefined &&
      pending.tcpPort === undefined &&
      pending.url === undefined
    )
      break;
    if (Date.now() >= deadline) {
      await stop();
      throw fail('timeout', `was not ready within ${formatSeconds(opts.readyTimeoutMs ?? 30_000)}`);
    }
    await sleep(POLL_MS);
  }

  return { name, pid, logFile, stop, exited };
}

async function stopGroup(pgid: number, graceMs: number): Promise<void> {
  if (!groupAlive(pgid)) return;
  signalGroup(pgid, 'SIGTERM');
  if (await waitGone(pgid, graceMs)) return;
  signalGroup(pgid, 'SIGKILL');
  if (await waitGone(pgid, KILL_WAIT_MS)) return;
  throw new Error(`process group ${pgid} survived SIGKILL`);
}

async function waitGone(pgid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!groupAlive(pgid)) return true;
    await sleep(50);
  }
  return !groupAlive(pgid);
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/**
 * Whether any live member of the group remains. On Linux /proc is read because orphans
 * re-parented to an init that does not reap them linger as zombies, which `kill(-pgid, 0)`
 * would still report as present.
 */
export function groupAlive(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the parenthesised command name: state ppid pgrp ...
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}

function readFrom(file: string, offset: number): Buffer {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return Buffer.alloc(0);
  }
  try {
    const size = statSync(file).size;
    if (size <= offset) return Buffer.alloc(0);
    const buf = Buffer.alloc(size - offset);
    const n = readSync(fd, buf, 0, buf.length, offset);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** The last lines written since this start (older runs share the file). */
function readLogTail(file: string, offset: number): string[] {
  const lines = readFrom(file, offset).toString('utf8').split('\n');
  return lines.filter((l) => l.trim() !== '').slice(-LOG_TAIL_LINES);
}

function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function urlAnswers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
