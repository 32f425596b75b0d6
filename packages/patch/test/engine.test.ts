/**
 * @module Engine edge cases beyond the fixtures: encodings, hostile and stale input, atomicity,
 * operation records and fingerprints (V1-FR-JOB-006, V1-FR-DEL-004, PRD V1 §11 items 14-15,
 * PRD V1 §17 group 14).
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { FINGERPRINT_PATTERN, type PatchEditOperation } from '@iama/contracts';
import {
  applyPatchEdit,
  fingerprintOf,
  loadAstSupport,
  snapshotOf,
  type AstSupport,
  type FileTree,
} from '../src/index';

const patch = (...operations: PatchEditOperation[]) => ({
  schema_version: 'patch_edit.v1' as const,
  operations,
});
const esr = (path: string, base: string, search: string, replace: string): PatchEditOperation => ({
  op: 'exact_search_replace',
  path,
  base_fingerprint: fingerprintOf(base),
  search,
  replace,
  max_occurrences: 1,
});

let ast: AstSupport;
before(async () => {
  ast = await loadAstSupport();
});

void test('PRD V1 §11 item 14: fingerprints are sha256:<hex> of the raw bytes; text and bytes agree (BOM kept)', () => {
  const text = '\uFEFFconst é = "✓";\r\n';
  const bytes = new TextEncoder().encode(text);
  assert.match(fingerprintOf(text), FINGERPRINT_PATTERN);
  assert.equal(fingerprintOf(text), fingerprintOf(bytes));
  assert.notEqual(fingerprintOf(text), fingerprintOf(text.slice(1)));
  assert.deepEqual(Object.keys(snapshotOf({ 'b.ts': 'x', 'a.ts': bytes })), ['a.ts', 'b.ts']);
});

void test('V1-FR-DEL-004: an operation on a file that is not valid UTF-8 fails with INVALID_FILE_ENCODING; untouched binary files pass through', () => {
  const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]);
  const blob = new Uint8Array([0, 1, 2, 0xff]);
  const bad = applyPatchEdit(
    { 'legacy.py': latin1 },
    patch({
      op: 'exact_search_replace',
      path: 'legacy.py',
      base_fingerprint: fingerprintOf(latin1),
      search: 'caf',
      replace: 'tea',
      max_occurrences: 1,
    }),
  );
  assert.ok(!bad.ok);
  assert.equal(bad.failures[0]!.reason, 'INVALID_FILE_ENCODING');
  assert.equal(bad.failures[0]!.byteOffset, 3);

  const ok = applyPatchEdit(
    { 'a.txt': 'x\n', 'img.bin': blob },
    patch(esr('a.txt', 'x\n', 'x', 'y')),
  );
  assert.ok(ok.ok);
  assert.equal(ok.files['img.bin'], blob);
  assert.equal(ok.files['a.txt'], 'y\n');
});

void test('V1-FR-DEL-004: text that cannot be written as UTF-8 (lone surrogate) fails with INVALID_TEXT', () => {
  const r = applyPatchEdit({ 'a.ts': 'x\n' }, patch(esr('a.ts', 'x\n', 'x', 'y\uD800')));
  assert.ok(!r.ok);
  assert.equal(r.failures[0]!.reason, 'INVALID_TEXT');
});

void test('PRD V1 §11 item 14: hostile documents (path escape, line-number diff, missing fingerprint) are INVALID_PATCH', () => {
  const docs = [
    patch({ ...esr('a.ts', 'x', 'x', 'y'), path: '../../etc/passwd' }),
    { schema_version: 'patch_edit.v1', operations: [{ op: 'unified_diff', diff: '@@ -1 +1 @@' }] },
    {
      schema_version: 'patch_edit.v1',
      operations: [{ ...esr('a.ts', 'x', 'x', 'y'), base_fingerprint: undefined }],
    },
    { schema_version: 'patch_edit.v0', operations: [esr('a.ts', 'x', 'x', 'y')] },
    'not even an object',
  ];
  for (const doc of docs) {
    const r = applyPatchEdit({ 'a.ts': 'x' }, doc);
    assert.ok(!r.ok);
    assert.equal(r.failures.length, 1);
    assert.equal(r.failures[0]!.reason, 'INVALID_PATCH');
    assert.ok(r.failures[0]!.issues!.length > 0);
    assert.deepEqual(r.operations, []);
  }
});

void test('V1-FR-JOB-006: every failing operation is listed, the input tree is never modified', () => {
  const tree: FileTree = Object.freeze({ 'a.ts': 'let a = 1;\n', 'b.ts': 'let b = 1;\n' });
  const r = applyPatchEdit(
    tree,
    patch(
      esr('a.ts', 'let a = 1;\n', 'let a = 1;', 'let a = 2;'),
      esr('b.ts', 'stale', 'let b', 'const b'),
      esr('a.ts', 'let a = 1;\n', 'nothing', 'x'),
      { op: 'delete_file', path: 'c.ts', base_fingerprint: fingerprintOf('') },
    ),
  );
  assert.ok(!r.ok);
  assert.equal(r.conflict, true);
  assert.deepEqual(
    r.failures.map((f) => [f.index, f.reason]),
    [
      [1, 'BASE_FINGERPRINT_MISMATCH'],
      [2, 'SEARCH_NOT_FOUND'],
      [3, 'FILE_NOT_FOUND'],
    ],
  );
  assert.equal(r.failures[0]!.actualFingerprint, fingerprintOf('let b = 1;\n'));
  assert.deepEqual(
    r.operations.map((o) => o.apply_outcome),
    ['SKIPPED', 'FAILED', 'FAILED', 'FAILED'],
  );
  assert.deepEqual(tree, { 'a.ts': 'let a = 1;\n', 'b.ts': 'let b = 1;\n' });
});

void test('DB_SCHEMA §5: operation records carry edit type, file, base fingerprint and anchor (search text only as its hash)', () => {
  const base = 'class A:\n    def m(self):\n        return 1\n';
  const r = applyPatchEdit(
    { 'a.py': base },
    patch(
      {
        op: 'symbolic_replace',
        path: 'a.py',
        base_fingerprint: fingerprintOf(base),
        symbol: 'A.m',
        new_body: 'def m(self):\n    return 2\n',
      },
      { op: 'create_file', path: 'b.py', base_fingerprint: null, content: 'X = 1\n' },
      esr('a.py', base, 'class A:', 'class A(object):'),
    ),
    { ast },
  );
  assert.ok(r.ok, JSON.stringify(!r.ok && r.failures));
  assert.deepEqual(
    r.operations.map((o) => [o.sequence, o.edit_type, o.target_file, o.apply_outcome]),
    [
      [1, 'AST_SYMBOLIC', 'a.py', 'SUCCESS'],
      [2, 'EXACT_SEARCH_REPLACE', 'b.py', 'SUCCESS'],
      [3, 'EXACT_SEARCH_REPLACE', 'a.py', 'SUCCESS'],
    ],
  );
  assert.equal(r.operations[0]!.apply_anchor, 'ast:a.py#A.m');
  assert.equal(r.operations[0]!.target_file_fingerprint, fingerprintOf(base));
  assert.equal(r.operations[1]!.target_file_fingerprint, fingerprintOf(''));
  assert.equal(r.operations[2]!.apply_anchor, `search:${fingerprintOf('class A:')}`);
  assert.equal(r.files['a.py'], 'class A(object):\n    def m(self):\n        return 2\n');
});

void test('V1-FR-DEL-004: AST operations need the Tree-sitter runtime (AST_UNAVAILABLE without it)', () => {
  const base = 'def f():\n    pass\n';
  const r = applyPatchEdit(
    { 'a.py': base },
    patch({
      op: 'delete_symbol',
      path: 'a.py',
      base_fingerprint: fingerprintOf(base),
      symbol: 'f',
    }),
  );
  assert.ok(!r.ok);
  assert.equal(r.failures[0]!.reason, 'AST_UNAVAILABLE');
});

void test('V1-FR-DEL-004: a base that already has syntax errors cannot take an AST edit (baseHadErrors)', () => {
  const base = 'def f():\n    return 1\n\ndef g(:\n    pass\n';
  const r = applyPatchEdit(
    { 'a.py': base },
    patch({
      op: 'symbolic_replace',
      path: 'a.py',
      base_fingerprint: fingerprintOf(base),
      symbol: 'f',
      new_body: 'def f():\n    return 2',
    }),
    { ast },
  );
  assert.ok(!r.ok);
  assert.equal(r.failures[0]!.reason, 'SYNTAX_ERROR_AFTER_EDIT');
  assert.equal(r.failures[0]!.baseHadErrors, true);
});

void test('V1-FR-DEL-004: delete_file together with an edit of the same file is OVERLAPPING_EDITS', () => {
  const base = 'x\n';
  const r = applyPatchEdit(
    { 'a.txt': base },
    patch(esr('a.txt', base, 'x', 'y'), {
      op: 'delete_file',
      path: 'a.txt',
      base_fingerprint: fingerprintOf(base),
    }),
  );
  assert.ok(!r.ok);
  assert.deepEqual(
    r.failures.map((f) => [f.index, f.reason, f.conflictingOperation]),
    [[1, 'OVERLAPPING_EDITS', 0]],
  );
});

void test('V1-FR-DEL-004: two insertions after the same symbol keep operation order; paths like __proto__ are plain paths', () => {
  const base = 'function a() {}\n';
  const fp = fingerprintOf(base);
  const r = applyPatchEdit(
    { '__proto__/m.js': base },
    patch(
      {
        op: 'insert_after_symbol',
        path: '__proto__/m.js',
        base_fingerprint: fp,
        symbol: 'a',
        content: 'function b() {}',
      },
      {
        op: 'insert_after_symbol',
        path: '__proto__/m.js',
        base_fingerprint: fp,
        symbol: 'a',
        content: 'function c() {}',
      },
    ),
    { ast },
  );
  assert.ok(r.ok, JSON.stringify(!r.ok && r.failures));
  assert.equal(r.files['__proto__/m.js'], 'function a() {}\nfunction b() {}\nfunction c() {}\n');
  assert.equal(Object.getPrototypeOf(r.files), Object.prototype);
});

void test('V1-FR-DEL-004: an ambiguous block reports the exact count and at most 20 locations; a huge missing block fails fast', () => {
  const base = 'x = 1\n'.repeat(500);
  const r = applyPatchEdit({ 'a.py': base }, patch(esr('a.py', base, 'x = 1', 'x = 2')));
  assert.ok(!r.ok);
  assert.equal(r.failures[0]!.matchCount, 500);
  assert.equal(r.failures[0]!.locations!.length, 20);
  assert.deepEqual(r.failures[0]!.locations![1], { line: 2, column: 1 });
  const huge = applyPatchEdit(
    { 'a.py': base },
    patch(esr('a.py', base, 'y'.repeat(5_000_000), '')),
  );
  assert.ok(!huge.ok);
  assert.equal(huge.failures[0]!.reason, 'SEARCH_NOT_FOUND');
});

void test('V1-FR-DEL-004: a declaration copied with only its first line unindented keeps its lines (TS and decorated Python)', () => {
  const ts = 'class A {\n  m() {\n    return 1;\n  }\n}\n';
  const py = 'class A:\n    @staticmethod\n    def m():\n        return 1\n';
  const r = applyPatchEdit(
    { 'a.ts': ts, 'a.py': py },
    patch(
      {
        op: 'symbolic_replace',
        path: 'a.ts',
        base_fingerprint: fingerprintOf(ts),
        symbol: 'A.m',
        new_body: 'm() {\n    return 2;\n  }',
      },
      {
        op: 'symbolic_replace',
        path: 'a.py',
        base_fingerprint: fingerprintOf(py),
        symbol: 'A.m',
        new_body: '@staticmethod\n    def m():\n        return 2',
      },
    ),
    { ast },
  );
  assert.ok(r.ok, JSON.stringify(!r.ok && r.failures));
  assert.equal(r.files['a.ts'], ts.replace('return 1', 'return 2'));
  assert.equal(r.files['a.py'], py.replace('return 1', 'return 2'));
});
