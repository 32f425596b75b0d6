/**
 * @module What the user does with a delivery: apply it to a copy of the project and run the
 * project's own tests. The delivery endpoints (`GET/POST /api/v1/jobs/:job_id/delivery…`) are
 * not served yet, so the demo applies the patched files the job's last passing run carried
 * (ARCHITECTURE D5: full files, never offsets) and there is nothing to revert on the server.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from '@iama/client';

export type ApplyResult = {
  changed: string[];
  diff: string[];
  testsPassed: boolean;
  summary: string;
};

export async function applyAndTest(
  exampleDir: string,
  files: { path: string; content: string }[],
): Promise<ApplyResult> {
  const dir = mkdtempSync(join(tmpdir(), 'iama-demo-delivery-'));
  try {
    cpSync(exampleDir, dir, { recursive: true });
    const changed: string[] = [];
    const diff: string[] = [];
    for (const f of files) {
      const before = readFileSync(join(dir, f.path), 'utf8');
      if (before === f.content) continue;
      changed.push(f.path);
      diff.push(`--- ${f.path}`, ...changedLines(before, f.content));
      writeFileSync(join(dir, f.path), f.content);
    }
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const run = await runProcess({
      command: process.execPath,
      args: ['--test', 'test/'],
      cwd: dir,
      env,
      timeoutMs: 60_000,
    });
    const count = (k: string) => new RegExp(`^# ${k} (\\d+)$`, 'm').exec(run.stdout)?.[1] ?? '?';
    return {
      changed,
      diff,
      testsPassed: run.exitCode === 0,
      summary: `${count('pass')} passed, ${count('fail')} failed`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The lines between the common head and tail of two texts, `-`/`+` marked: enough to show a small change. */
export function changedLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  return [
    ...a.slice(head, a.length - tail).map((l) => `- ${l}`),
    ...b.slice(head, b.length - tail).map((l) => `+ ${l}`),
  ];
}
