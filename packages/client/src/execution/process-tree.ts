/**
 * @module Runs one command in its own process group and, on timeout, kills the whole group
 * (V1-FR-SBX-004): `node --test`, pytest and build tools all fork workers, and killing only the
 * direct child would leave them running. After any exit the group is swept once more so a test
 * that backgrounded a process cannot outlive its run.
 */
import { spawn } from 'node:child_process';

export type ProcessResult = {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Set when the command could not be started at all (missing toolchain). */
  spawnError: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Process group id (= the child's pid); useful to prove nothing was left behind. */
  pgid: number | null;
};

export type RunProcessOptions = {
  command: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** SIGTERM first, SIGKILL after this grace; tests cannot ignore the second. */
  killGraceMs?: number;
  /** Output kept per stream; the tail is what matters for diagnostics. */
  maxOutputBytes?: number;
};

const DEFAULT_MAX_OUTPUT = 1_000_000;

/** True while any process of the group exists (signal 0 probes without killing). */
export function processGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

const GROUP_REAP_LIMIT_MS = 5000;

async function waitGroupGone(pgid: number | null, limitMs: number): Promise<void> {
  if (pgid === null) return;
  const until = Date.now() + limitMs;
  while (processGroupAlive(pgid) && Date.now() < until) {
    signalGroup(pgid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/**
 * @example const r = await runProcess({ command: 'python3', args: ['-m', 'pytest'], cwd, env, timeoutMs: 30_000 })
 */
export function runProcess(opts: RunProcessOptions): Promise<ProcessResult> {
  const started = performance.now();
  const max = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  const grace = opts.killGraceMs ?? 1000;
  return new Promise((resolve) => {
    const child = spawn(opts.command, opts.args, {
      cwd: opts.cwd,
      env: opts.env,
      detached: true, // own process group: -pid addresses the whole tree
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pgid = child.pid ?? null;
    let stdout = '';
    let stderr = '';
    const keep = (buf: string, chunk: Buffer) => {
      const next = buf + chunk.toString('utf8');
      return next.length > max ? next.slice(next.length - max) : next;
    };
    child.stdout.on('data', (c: Buffer) => (stdout = keep(stdout, c)));
    child.stderr.on('data', (c: Buffer) => (stderr = keep(stderr, c)));
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      if (pgid === null) return;
      timedOut = true;
      signalGroup(pgid, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(pgid, 'SIGKILL'), grace);
    }, opts.timeoutMs);
    let settled = false;
    const finish = (r: Omit<ProcessResult, 'stdout' | 'stderr' | 'durationMs' | 'pgid'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(killTimer);
      if (pgid !== null) signalGroup(pgid, 'SIGKILL');
      const durationMs = Math.round(performance.now() - started);
      // SIGKILL is asynchronous: return only once the group is really gone (reaped), so a caller
      // that removes the sandbox next never races a process still writing into it.
      void waitGroupGone(pgid, GROUP_REAP_LIMIT_MS).then(() =>
        resolve({ ...r, stdout, stderr, durationMs, pgid }),
      );
    };
    child.on('error', (err) =>
      finish({ exitCode: null, signal: null, timedOut: false, spawnError: err.message }),
    );
    // The direct child is done: whatever it left in its group (a backgrounded server, a stuck
    // worker holding our pipes) goes now, so 'close' cannot wait for the timeout.
    child.on('exit', () => {
      if (pgid !== null) signalGroup(pgid, 'SIGKILL');
    });
    child.on('close', (code, signal) =>
      finish({ exitCode: timedOut ? null : code, signal, timedOut, spawnError: null }),
    );
  });
}
