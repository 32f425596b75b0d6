import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PATCH_EDIT_OP_KINDS,
  PATCH_EDIT_SCHEMA_VERSION,
  applyAnchorOf,
  disallowedOps,
  editModeOf,
  patchEditOperationSchema,
  patchEditSchema,
} from '../src/llm/patch-edit';

const FP = `sha256:${'a'.repeat(64)}`;
const ops = {
  symbolic_replace: { op: 'symbolic_replace', path: 'src/order.ts', base_fingerprint: FP, symbol: 'Order.total', new_body: 'total() { return 1; }' },
  exact_search_replace: { op: 'exact_search_replace', path: 'src/order.ts', base_fingerprint: FP, search: 'var x = 1;', replace: 'const x = 1;', max_occurrences: 1 },
  insert_after_symbol: { op: 'insert_after_symbol', path: 'src/order.ts', base_fingerprint: FP, symbol: 'Order', content: 'export const y = 2;' },
  delete_symbol: { op: 'delete_symbol', path: 'src/order.ts', base_fingerprint: FP, symbol: 'legacyHelper' },
  create_file: { op: 'create_file', path: 'src/new.ts', base_fingerprint: null, content: 'export {};\n' },
  delete_file: { op: 'delete_file', path: 'src/old.ts', base_fingerprint: FP },
} as const;

void test('V1-FR-DEL-004 / guide §4.1: every operation kind parses with anchor and base fingerprint', () => {
  assert.deepEqual(Object.keys(ops).sort(), [...PATCH_EDIT_OP_KINDS].sort());
  for (const op of Object.values(ops)) assert.deepEqual(patchEditOperationSchema.parse(op), op);
});

void test('PRD V1 §11 item 14: operations without an expected base fingerprint or path are rejected', () => {
  for (const kind of ['symbolic_replace', 'exact_search_replace', 'insert_after_symbol', 'delete_symbol', 'delete_file'] as const) {
    const { base_fingerprint: _fp, ...noFp } = ops[kind];
    assert.equal(patchEditOperationSchema.safeParse(noFp).success, false, `${kind} without base_fingerprint`);
    const { path: _p, ...noPath } = ops[kind];
    assert.equal(patchEditOperationSchema.safeParse(noPath).success, false, `${kind} without path`);
    assert.equal(patchEditOperationSchema.safeParse({ ...ops[kind], base_fingerprint: 'md5:abc' }).success, false);
  }
});

void test('guide §9.3: create_file must assert the file is absent (base_fingerprint null)', () => {
  assert.equal(patchEditOperationSchema.safeParse({ ...ops.create_file, base_fingerprint: FP }).success, false);
});

void test('guide §4.1: exact_search_replace pins max_occurrences to 1; unknown keys and line diffs refused', () => {
  assert.equal(patchEditOperationSchema.safeParse({ ...ops.exact_search_replace, max_occurrences: 2 }).success, false);
  assert.equal(patchEditOperationSchema.safeParse({ ...ops.symbolic_replace, line: 42 }).success, false);
  assert.equal(patchEditOperationSchema.safeParse({ op: 'unified_diff', path: 'a.ts', diff: '@@ -42,3 +42,5 @@' }).success, false);
});

void test('V1-FR-DEL-004: paths must stay inside the workspace', () => {
  for (const path of ['/etc/passwd', '../x.ts', 'a/../../x.ts', 'a\\b.ts', 'C:/x.ts', 'a//b.ts', './a.ts', '']) {
    assert.equal(patchEditOperationSchema.safeParse({ ...ops.delete_file, path }).success, false, path);
  }
});

void test('guide §4.2: duplicate exact_search_replace on the same search and file is rejected', () => {
  const dup = { schema_version: PATCH_EDIT_SCHEMA_VERSION, operations: [ops.exact_search_replace, ops.exact_search_replace] };
  assert.equal(patchEditSchema.safeParse(dup).success, false);
  const otherFile = { ...ops.exact_search_replace, path: 'src/other.ts' };
  assert.equal(patchEditSchema.safeParse({ ...dup, operations: [ops.exact_search_replace, otherFile] }).success, true);
});

void test('guide §4.4: a patch may not edit a file it created or deleted earlier; empty patches refused', () => {
  const bad = { schema_version: PATCH_EDIT_SCHEMA_VERSION, operations: [ops.delete_file, { ...ops.delete_symbol, path: 'src/old.ts' }] };
  assert.equal(patchEditSchema.safeParse(bad).success, false);
  assert.equal(patchEditSchema.safeParse({ schema_version: PATCH_EDIT_SCHEMA_VERSION, operations: [] }).success, false);
  assert.equal(patchEditSchema.safeParse({ schema_version: 'patch_edit.v0', operations: [ops.delete_file] }).success, false);
});

void test('PRD V1 §5.1 / DB patch_edit_operations: edit modes, disallowed ops and stored anchors', () => {
  assert.equal(editModeOf(ops.symbolic_replace), 'AST_SYMBOLIC');
  assert.equal(editModeOf(ops.exact_search_replace), 'EXACT_SEARCH_REPLACE');
  const patch = patchEditSchema.parse({ schema_version: PATCH_EDIT_SCHEMA_VERSION, operations: Object.values(ops) });
  assert.deepEqual(disallowedOps(patch, 'EXACT_SEARCH_REPLACE'), [0, 2, 3]);
  assert.deepEqual(disallowedOps(patch, 'AST_SYMBOLIC'), []);
  const fakeHash = (s: string) => `sha256:${s.length}`;
  assert.deepEqual(
    patch.operations.map((op) => applyAnchorOf(op, fakeHash)),
    ['ast:src/order.ts#Order.total', 'search:sha256:10', 'ast:src/order.ts#Order', 'ast:src/order.ts#legacyHelper', 'file:src/new.ts', 'file:src/old.ts'],
  );
});
