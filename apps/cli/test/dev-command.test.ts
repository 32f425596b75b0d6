/**
 * `iama dev` (issue #2): prints where each component listens, and on SIGTERM stops everything
 * and exits 0; `iama` without a known command exits 2 with the usage.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '@iama/devstack';

const MAIN = join(REPO_ROOT, 'apps/cli/src/main.ts');

function isolatedEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'LITELLM_BASE_URL', 'FIXTURE_MODEL_URL']) delete env[k];
  return env;
}

function liveProcessesMentioning(needle: string): number[] {
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).flatMap((pid) => {
    try {
      const zombie = /State:\s+Z/.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return !zombie && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle) ? [Number(pid)] : [];
    } catch {
      return [];
    }
  });
}

void describe('iama dev (issue #2)', () => {
  void it('starts the stack, reports each component, and SIGTERM stops every process', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'iama-dev-'));
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'dev', '--fresh', '--ephemeral-ports', '--data-dir', dataDir], {
      cwd: REPO_ROOT,
      env: isolatedEnv(),
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not ready in 120 s:\n${out}`)), 120_000);
        child.stdout.on('data', () => {
          if (/Ready in/.test(out)) {
            clearTimeout(timer);
            resolve();
          }
        });
        void exited.then(() => reject(new Error(`exited early:\n${out}`)));
      });
      for (const component of ['PostgreSQL', 'Temporal', 'fixture model', 'LiteLLM Proxy', 'worker', 'API']) {
        assert.match(out, new RegExp(`^\\s+${component}\\s+\\S`, 'm'), `prints where ${component} is`);
      }
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.match(out, /Stopped\./);
      assert.deepEqual(liveProcessesMentioning(dataDir), []);
    } finally {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  void it('an unknown command exits 2 with the usage', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'frobnicate'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
    assert.match(r.stderr, /usage: iama <command>/);
  });
});
