/**
 * @module What a Local Native test run costs IAMA itself (issue #7 "IAMA's own time"): the sandbox
 * copy of a workspace, and a whole one-test node:test run split into the runner process and the rest
 * (copy, writes, parse, validation, cleanup). Prints numbers; asserts nothing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox, runLocalTests } from '../src/index';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

function workspace(files: number): string {
  const root = mkdtempSync(join(tmpdir(), 'iama-bench-ws-'));
  for (let i = 0; i < files; i++) {
    const dir = join(root, 'src', `m${i % 20}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `f${i}.js`), `exports.v${i} = ${i};\n`.repeat(40));
  }
  mkdirSync(join(root, 'node_modules', 'dep'), { recursive: true });
  writeFileSync(join(root, 'node_modules', 'dep', 'index.js'), 'module.exports = 1;\n');
  writeFileSync(join(root, 'package.json'), '{"name":"bench"}');
  return root;
}

for (const n of [100, 1000]) {
  const ws = workspace(n);
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    createSandbox(ws).dispose();
    times.push(performance.now() - t);
  }
  console.log(`sandbox copy+dispose, ${n} files: median ${median(times).toFixed(1)} ms`);
  rmSync(ws, { recursive: true, force: true });
}

const ws = workspace(100);
const total: number[] = [];
const runner: number[] = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  let proc = 0;
  await runLocalTests(
    {
      test_run_id: '0b4f3f0e-5d1c-4c59-9f0e-2d3c8e7a1b03',
      attempt_number: i,
      framework: 'node:test',
      source_files: [],
      test_files: [{ path: 'test/a.test.js', content: "require('node:test')('ok', () => {});\n" }],
      timeout_seconds: null,
    },
    { workspaceRoot: ws, onProcess: (p) => (proc = p.durationMs) },
  );
  total.push(performance.now() - t);
  runner.push(proc);
}
rmSync(ws, { recursive: true, force: true });
const m = median(total);
const r = median(runner);
console.log(
  `node:test run (100-file workspace, 1 test): median total ${m.toFixed(0)} ms = runner ${r} ms + IAMA ${(m - r).toFixed(0)} ms; load ${loadavg()[0]?.toFixed(2)}`,
);
