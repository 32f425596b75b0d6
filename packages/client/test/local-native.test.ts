/**
 * @module Local Native execution on real temporary projects: real `node --test`, real pytest and
 * unittest, a hanging test killed with its whole process tree, the user's workspace unchanged, and
 * every report validated against the D5 schema (issue #7; V1-FR-SBX-002, V1-FR-SBX-004,
 * V1-FR-SBX-005, V1-FR-TEST-003/004/008; ARCHITECTURE D5).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { testReportRequestSchema, type TestReportRequest } from '@iama/contracts';
import {
  createSandbox,
  processGroupAlive,
  resolveTimeoutSeconds,
  runLocalTests,
  runProcess,
  TimeoutOutOfBoundsError,
  UnsafeSandboxPathError,
  type TestRequest,
} from '../src/index';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'iama-ws-'));
  dirs.push(root);
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), content);
  }
  return root;
}

/** Path → sha256 of every file under root: proof the workspace was not touched. */
function treeHash(root: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, treeHash(root, p));
    else
      out[p] = createHash('sha256')
        .update(readFileSync(join(root, p)))
        .digest('hex');
  }
  return out;
}

const request = (over: Partial<TestRequest>): TestRequest => ({
  test_run_id: '0b4f3f0e-5d1c-4c59-9f0e-2d3c8e7a1b01',
  attempt_number: 1,
  framework: 'node:test',
  source_files: [],
  test_files: [],
  timeout_seconds: null,
  ...over,
});

const CALC = 'exports.add = (a, b) => a + b;\n';
const NODE_TEST = (expected: number) => `const { test } = require('node:test');
const assert = require('node:assert/strict');
const { add } = require('../src/calc');
test('add sums', () => assert.equal(add(1, 2), ${expected}));
test('scratch file stays in the sandbox', () => {
  require('node:fs').writeFileSync('scratch.txt', 'written by a test');
});
`;

function pythonHas(module: string): boolean {
  try {
    execFileSync('python3', ['-c', `import ${module}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

void describe('V1-FR-SBX-004/002: Local Native node:test runs', () => {
  void it('a passing project: exit 0, all PASSED, report valid, workspace unchanged', async () => {
    const ws = project({ 'package.json': '{"name":"p"}', 'src/calc.js': CALC });
    const before = treeHash(ws);
    const report = await runLocalTests(
      request({ test_files: [{ path: 'test/calc.test.js', content: NODE_TEST(3) }] }),
      { workspaceRoot: ws },
    );
    testReportRequestSchema.parse(report);
    assert.equal(report.execution_mode, 'LOCAL_NATIVE');
    assert.equal(report.exit_code, 0);
    assert.equal(report.timed_out, false);
    assert.deepEqual(
      report.tests.map((t) => [t.name, t.status]),
      [
        ['add sums', 'PASSED'],
        ['scratch file stays in the sandbox', 'PASSED'],
      ],
    );
    assert.deepEqual(treeHash(ws), before, 'V1-FR-SBX-002: sources and tree unchanged');
  });

  void it('a failing project with patched sources: structured failure, LOGIC not timeout, sources unchanged', async () => {
    const ws = project({ 'package.json': '{"name":"p"}', 'src/calc.js': CALC });
    const before = treeHash(ws);
    const report = await runLocalTests(
      request({
        // The patched file (D5: full contents) breaks add; the workspace copy must stay as it is.
        source_files: [{ path: 'src/calc.js', content: 'exports.add = (a, b) => a - b;\n' }],
        test_files: [{ path: 'test/calc.test.js', content: NODE_TEST(3) }],
      }),
      { workspaceRoot: ws },
    );
    testReportRequestSchema.parse(report);
    assert.equal(report.exit_code, 1);
    assert.equal(report.timed_out, false);
    assert.equal(report.infra_error, null);
    const failed = report.tests.find((t) => t.name === 'add sums');
    assert.equal(failed?.status, 'FAILED');
    assert.equal(failed?.error_class, 'AssertionError');
    assert.deepEqual(failed?.location, { file: 'test/calc.test.js', line: 4, column: 31 });
    assert.doesNotMatch(failed?.excerpt ?? '', /iama-sandbox-/, 'no temp paths in excerpts');
    assert.deepEqual(treeHash(ws), before);
  });

  void it('TypeScript test files run under node:test through the tsx loader (the refactored-to-TS case)', async () => {
    const ws = project({ 'package.json': '{"name":"p","type":"module"}', 'src/calc.js': CALC });
    const report = await runLocalTests(
      request({
        source_files: [
          {
            path: 'src/calc.ts',
            content: 'export const add = (a: number, b: number): number => a + b;\n',
          },
        ],
        test_files: [
          {
            path: 'test/calc.test.ts',
            content: `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add } from '../src/calc.ts';
test('typed add', () => assert.equal(add(2, 2), 4));
test('typed add is wrong', () => assert.equal(add(2, 2) as number, 5));
`,
          },
        ],
      }),
      { workspaceRoot: ws },
    );
    testReportRequestSchema.parse(report);
    assert.deepEqual(
      report.tests.map((t) => [t.name, t.status, t.error_class, t.location?.line ?? null]),
      [
        ['typed add', 'PASSED', null, null],
        ['typed add is wrong', 'FAILED', 'AssertionError', 5],
      ],
      JSON.stringify(report),
    );
  });

  void it('.iamaignore paths are not copied into the sandbox; node_modules is linked, not copied', async () => {
    const ws = project({
      '.iamaignore': 'private/\n',
      'private/secret.txt': 'never copied',
      'node_modules/dep/index.js': 'module.exports = 41;\n',
      'src/calc.js': CALC,
    });
    const sandbox = createSandbox(ws);
    try {
      assert.ok(sandbox.skipped.includes('private'));
      assert.equal(existsSync(join(sandbox.dir, 'private')), false);
    } finally {
      sandbox.dispose();
    }
    const report = await runLocalTests(
      request({
        test_files: [
          {
            path: 'test/ignore.test.js',
            content: `const { test } = require('node:test');
const assert = require('node:assert/strict');
test('ignored file absent', () => assert.equal(require('node:fs').existsSync('private/secret.txt'), false));
test('dependency resolves', () => assert.equal(require('dep') + 1, 42));
`,
          },
        ],
      }),
      { workspaceRoot: ws },
    );
    assert.deepEqual(
      report.tests.map((t) => t.status),
      ['PASSED', 'PASSED'],
      JSON.stringify(report.tests),
    );
  });

  void it('a file path escaping the sandbox is refused before anything runs', async () => {
    const ws = project({ 'src/calc.js': CALC });
    await assert.rejects(
      runLocalTests(request({ test_files: [{ path: '../escape.test.js', content: '' }] }), {
        workspaceRoot: ws,
      }),
      UnsafeSandboxPathError,
    );
    await assert.rejects(
      runLocalTests(request({ test_files: [{ path: 'node_modules/x.test.js', content: '' }] }), {
        workspaceRoot: project({ 'node_modules/dep/index.js': '' }),
      }),
      UnsafeSandboxPathError,
      'writing through the linked node_modules would touch the user tree',
    );
  });
});

void describe('V1-FR-SBX-004/005, V1-FR-TEST-008: timeout', () => {
  void it('default 30 s; the requested or configured value must be within bounds', () => {
    assert.equal(resolveTimeoutSeconds(null, undefined), 30);
    assert.equal(resolveTimeoutSeconds(null, 45), 45);
    assert.equal(resolveTimeoutSeconds(120, 45), 120);
    assert.throws(() => resolveTimeoutSeconds(null, 0), TimeoutOutOfBoundsError);
    assert.throws(() => resolveTimeoutSeconds(601, undefined), TimeoutOutOfBoundsError);
    assert.throws(() => resolveTimeoutSeconds(null, 2.5), TimeoutOutOfBoundsError);
  });

  void it('a hanging test is killed with its whole process tree; timed_out, exit_code null', async () => {
    const ws = project({ 'package.json': '{"name":"p"}' });
    const pidFile = join(ws, '..', `iama-grandchild-${process.pid}-${Date.now()}.pid`);
    dirs.push(pidFile);
    let pgid: number | null = null;
    const report = await runLocalTests(
      request({
        // Long enough for the runner to start the test on a loaded 2-core machine.
        timeout_seconds: 3,
        test_files: [
          {
            path: 'test/hang.test.js',
            content: `const { test } = require('node:test');
const { spawn } = require('node:child_process');
test('hangs forever', async () => {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  require('node:fs').writeFileSync(process.env.IAMA_PID_FILE, String(child.pid));
  await new Promise(() => {});
});
`,
          },
        ],
      }),
      { workspaceRoot: ws, env: { IAMA_PID_FILE: pidFile }, onProcess: (p) => (pgid = p.pgid) },
    );
    const parsed: TestReportRequest = testReportRequestSchema.parse(report);
    assert.equal(parsed.timed_out, true);
    assert.equal(parsed.exit_code, null);
    assert.equal(parsed.infra_error, null);
    assert.ok(pgid !== null);
    assert.equal(processGroupAlive(pgid), false, 'no process of the run survives');
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    assert.throws(() => process.kill(grandchild, 0), /ESRCH/, 'the grandchild was killed too');
  });
});

void describe('V1-FR-SBX-004: forced termination', () => {
  void it('a process that ignores SIGTERM is killed with SIGKILL after the grace', async () => {
    const r = await runProcess({
      // The shell ignores TERM from its first instruction, and `sleep` inherits that.
      command: '/bin/sh',
      args: ['-c', "trap '' TERM; sleep 30"],
      cwd: tmpdir(),
      env: {},
      timeoutMs: 500,
      killGraceMs: 200,
    });
    assert.equal(r.timedOut, true);
    assert.equal(r.exitCode, null);
    assert.equal(r.signal, 'SIGKILL');
    assert.ok(r.pgid !== null && !processGroupAlive(r.pgid));
  });
});

void describe('V1-FR-TEST-003/004: Python projects', () => {
  const PY_TEST = `import unittest
from calc import add

class CalcTest(unittest.TestCase):
    def test_sums(self):
        self.assertEqual(add(1, 2), 3)

    def test_negative(self):
        self.assertEqual(add(-1, -1), -2)
`;
  const ws = () => project({ 'calc.py': 'def add(a, b):\n    return a + b\n' });

  void it(
    'pytest: a patched source breaks one test; structured failure with class and line',
    { skip: !pythonHas('pytest') && 'pytest not installed' },
    async () => {
      const root = ws();
      const before = treeHash(root);
      const report = await runLocalTests(
        request({
          framework: 'pytest',
          source_files: [
            { path: 'calc.py', content: 'def add(a, b):\n    return a + b if a > 0 else 0\n' },
          ],
          test_files: [{ path: 'test_calc.py', content: PY_TEST }],
        }),
        { workspaceRoot: root },
      );
      testReportRequestSchema.parse(report);
      assert.equal(report.exit_code, 1);
      assert.deepEqual(
        report.tests.map((t) => [t.name, t.status, t.error_class, t.location?.line ?? null]),
        [
          ['test_calc.CalcTest::test_negative', 'FAILED', 'AssertionError', 9],
          ['test_calc.CalcTest::test_sums', 'PASSED', null, null],
        ],
      );
      assert.deepEqual(treeHash(root), before);
    },
  );

  void it('unittest: the standard library runner, same facts', async () => {
    const report = await runLocalTests(
      request({
        framework: 'unittest',
        source_files: [{ path: 'calc.py', content: 'def add(a, b):\n    return a * b\n' }],
        test_files: [{ path: 'test_calc.py', content: PY_TEST }],
      }),
      { workspaceRoot: ws() },
    );
    testReportRequestSchema.parse(report);
    assert.equal(report.exit_code, 1);
    const failed = report.tests.filter((t) => t.status === 'FAILED').map((t) => t.name);
    assert.deepEqual(failed.sort(), [
      'test_calc.CalcTest.test_negative',
      'test_calc.CalcTest.test_sums',
    ]);
    assert.ok(
      report.tests.every((t) => t.status === 'PASSED' || t.error_class === 'AssertionError'),
    );
  });

  void it('a missing interpreter is an infra error, not a test failure', async () => {
    const report = await runLocalTests(
      request({ framework: 'pytest', test_files: [{ path: 'test_calc.py', content: PY_TEST }] }),
      { workspaceRoot: ws(), pythonPath: '/nonexistent/python3' },
    );
    testReportRequestSchema.parse(report);
    assert.match(report.infra_error ?? '', /could not start/);
    assert.equal(report.timed_out, false);
    assert.deepEqual(report.tests, []);
  });

  void it('an unknown framework name with nothing to detect is an infra error', async () => {
    const report = await runLocalTests(
      request({ framework: 'mocha', test_files: [{ path: 'README.md', content: 'x' }] }),
      { workspaceRoot: project({}) },
    );
    assert.match(report.infra_error ?? '', /unknown test framework/);
  });
});
