/**
 * @module The workspace walker: `.iamaignore` paths are never opened (V1-FR-SEC-004) and file gates
 * run before content is read (V1-FR-CTX-007).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mock, test } from 'node:test';
import { createIgnoreMatcher, readWorkspaceFiles, walkWorkspace } from '../src/index';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'ws-ignore');

/** Records every path the walker touches through node:fs. */
function spyOnFs(): { touched: string[]; restore: () => void } {
  const touched: string[] = [];
  for (const name of [
    'readFileSync',
    'lstatSync',
    'readdirSync',
    'statSync',
    'openSync',
  ] as const) {
    const original = fs[name] as (...args: unknown[]) => unknown;
    mock.method(fs, name, (...args: unknown[]) => {
      touched.push(`${name}:${String(args[0])}`);
      return original.apply(fs, args);
    });
  }
  syncBuiltinESMExports();
  return {
    touched,
    restore: () => {
      mock.restoreAll();
      syncBuiltinESMExports();
    },
  };
}

void test('V1-FR-SEC-004: gitignore semantics (directories, globs, negation, defaults)', () => {
  const m = createIgnoreMatcher('private/\n*.log\n!keep.log\n');
  assert.equal(m.ignores('private', true), true);
  assert.equal(m.ignores('debug.log'), true);
  assert.equal(m.ignores('keep.log'), false);
  assert.equal(m.ignores('node_modules', true), true);
  assert.equal(m.ignores('.git/config'), true);
  assert.equal(m.ignores('src/a.ts'), false);
});

void test('V1-FR-SEC-004: ignored paths are reported but never opened, listed or stat-ed', () => {
  const spy = spyOnFs();
  let snapshot;
  try {
    snapshot = walkWorkspace(FIXTURE);
  } finally {
    spy.restore();
  }
  assert.deepEqual(
    snapshot.files.map((f) => f.path),
    ['src/a.ts'],
  );
  const byReason = Object.fromEntries(snapshot.exclusions.map((e) => [e.path, e.reason]));
  assert.deepEqual(byReason, {
    'debug.log': 'IGNORED_BY_IAMAIGNORE',
    'generated/g.ts': 'GENERATED_FILE',
    'keep.log': 'UNSUPPORTED_FILE_TYPE',
    node_modules: 'IGNORED_BY_IAMAIGNORE',
    private: 'IGNORED_BY_IAMAIGNORE',
    'src/b.secret.ts': 'IGNORED_BY_IAMAIGNORE',
  });
  const leaked = spy.touched.filter((p) => /private|debug\.log|b\.secret|node_modules/.test(p));
  assert.deepEqual(leaked, []);
  // The spy sees real reads; keep.log is refused by its extension: stat-ed for its size, never read.
  assert.ok(spy.touched.some((p) => p.startsWith('readFileSync:') && p.endsWith('src/a.ts')));
  assert.ok(!spy.touched.some((p) => p.startsWith('readFileSync:') && p.endsWith('keep.log')));
});

void test('V1-FR-SEC-004: an explicit selection inside an ignored directory is refused unread', () => {
  const spy = spyOnFs();
  let snapshot;
  try {
    snapshot = readWorkspaceFiles(FIXTURE, ['private/notes.ts', 'src/a.ts', '../outside.ts']);
  } finally {
    spy.restore();
  }
  assert.deepEqual(
    snapshot.files.map((f) => f.path),
    ['src/a.ts'],
  );
  assert.deepEqual(
    snapshot.exclusions.map((e) => [e.path, e.reason]),
    [
      ['../outside.ts', 'NOT_FOUND'],
      ['private/notes.ts', 'IGNORED_BY_IAMAIGNORE'],
    ],
  );
  assert.deepEqual(
    spy.touched.filter((p) => p.includes('private')),
    [],
  );
});

void test('V1-FR-CTX-007 / §17 group 25: binaries, bundles and credential files in a workspace never reach the file list', () => {
  const root = fs.mkdtempSync(join(tmpdir(), 'iama-ctx-walk-'));
  try {
    fs.mkdirSync(join(root, 'src'));
    fs.writeFileSync(join(root, 'src/ok.py'), 'def f():\n    return 1\n');
    fs.writeFileSync(join(root, 'src/logo.ts'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]));
    fs.writeFileSync(join(root, 'src/app.min.js'), 'var a=1;');
    fs.writeFileSync(join(root, 'src/vendor.js'), 'x=1;'.repeat(1_000));
    fs.writeFileSync(join(root, '.env'), 'PLACEHOLDER=1\n');
    fs.writeFileSync(join(root, 'Main.class'), Buffer.from([0xca, 0xfe, 0xba, 0xbe]));
    fs.symlinkSync('/etc/hostname', join(root, 'src/link.py'));
    const { files, exclusions } = walkWorkspace(root);
    assert.deepEqual(
      files.map((f) => f.path),
      ['src/ok.py'],
    );
    assert.deepEqual(
      exclusions.map((e) => [e.path, e.reason]),
      [
        ['.env', 'SECRET_FILE'],
        ['Main.class', 'COMPILED_ASSET'],
        ['src/app.min.js', 'MINIFIED_FILENAME'],
        ['src/link.py', 'SYMLINK'],
        ['src/logo.ts', 'BINARY_CONTENT'],
        ['src/vendor.js', 'MINIFIED_CONTENT'],
      ],
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
