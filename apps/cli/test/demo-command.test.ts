/**
 * `iama demo` (issue #7; ARCHITECTURE §3, PRD V1 §13): the README's first command runs the main
 * job on the bundled example from creation to DELIVERED through the real stack as its own
 * process, applies the delivery to a copy and runs the example's tests; it is the only full-demo
 * test. The delivery check's failure path runs without a stack.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '@iama/devstack';
import { applyAndTest, changedLines } from '../src/demo/deliver';

const MAIN = join(REPO_ROOT, 'apps/cli/src/main.ts');
const EXAMPLE = join(REPO_ROOT, 'examples/order-js');

function isolatedEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of [
    'DATABASE_URL',
    'TEMPORAL_ADDRESS',
    'LITELLM_BASE_URL',
    'FIXTURE_MODEL_URL',
    'IAMA_FIXTURE_SCENARIOS_DIR',
    'NODE_TEST_CONTEXT',
  ])
    delete env[k];
  return env;
}

function liveProcessesMentioning(needle: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .flatMap((pid) => {
      try {
        const zombie = /State:\s+Z/.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
        return !zombie && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle)
          ? [Number(pid)]
          : [];
      } catch {
        return [];
      }
    });
}

void describe('iama demo: the main job (issue #7)', () => {
  void it('V1-FR-JOB-001, V1-FR-DEL-004: runs the example job to DELIVERED over HTTP, the example tests pass on the delivery, exit 0, nothing left running', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'iama-demo-'));
    try {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', MAIN, 'demo', '--ephemeral-ports', '--fresh', '--data-dir', dataDir],
        {
          cwd: REPO_ROOT,
          env: isolatedEnv(),
        },
      );
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      assert.equal(code, 0, out);
      const states = [...out.matchAll(/^\s+\+\s*\d+\.\ds\s+([A-Z_]+)/gm)].map((m) => m[1]);
      assert.deepEqual(
        states,
        [
          'PENDING',
          'QUOTA_RESERVING',
          'ANALYZING',
          'WAITING_STRATEGY',
          'WAITING_SPEC_APPROVAL',
          'GENERATING_TESTS',
          'BASELINE_VALIDATION',
          'REFACTORING',
          'DELIVERED',
        ],
        out,
      );
      assert.match(out, /BASELINE tests run locally: \d+\/\d+ passed, exit 0/);
      assert.match(out, /\+ {3}return order\.items\.reduce/, 'prints the delivered change');
      assert.match(out, /changed: src\/order\.js; example tests: 2 passed, 0 failed/);
      assert.deepEqual(liveProcessesMentioning(dataDir), []);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  void it('V1-FR-DEL-004 failure path: a delivery that breaks the example is reported as failing its own tests', async () => {
    const broken = readFileSync(join(EXAMPLE, 'src/order.js'), 'utf8').replace(
      'sum + item.price',
      'sum + Math.floor(item.price)',
    );
    const r = await applyAndTest(EXAMPLE, [{ path: 'src/order.js', content: broken }]);
    assert.equal(r.testsPassed, false);
    assert.deepEqual(r.changed, ['src/order.js']);
    assert.equal(r.summary, '1 passed, 1 failed');
    assert.deepEqual(r.diff, [
      '--- src/order.js',
      '-     sum = sum + item.price;',
      '+     sum = sum + Math.floor(item.price);',
    ]);
  });

  void it('changedLines marks only the lines between the common head and tail', () => {
    assert.deepEqual(changedLines('a\nb\nc\n', 'a\nx\ny\nc\n'), ['- b', '+ x', '+ y']);
    assert.deepEqual(changedLines('same', 'same'), []);
  });
});
