/**
 * @module Delivery diff, stable hunk ids, partial acceptance by file and hunk with the base check,
 * reverse patch and drift (V1-FR-DEL-004, V1-FR-DEL-005, V1-FR-DEL-007, V1-FR-JOB-006, PRD V1
 * §17 group 14). The unified artifacts are also applied with the real `git apply`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileDiffSchema } from '@iama/contracts';
import {
  acceptDelivery,
  applyHunks,
  applyReversePatch,
  buildDelivery,
  detectDrift,
  diffLines,
  fingerprintOf,
  reversePatchOf,
  toFileDiff,
  unifiedDelivery,
  type FileChange,
} from '../src/index';
import { readTree } from './fixture-cases';

const lines = (n: number, f: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => f(i) + '\n').join('');
const before = lines(60, (i) => `line ${i}`);
// Three separate changes (far enough apart for three hunks) and a CRLF line.
const after = before
  .replace('line 5\n', 'line five\n')
  .replace('line 30\n', 'line thirty\r\n')
  .replace('line 55\n', 'line 55\nline 55b\n');
const change: FileChange = {
  path: 'src/big.txt',
  changeType: 'MODIFIED',
  baseFingerprint: fingerprintOf(before),
  before,
  after,
};
const created: FileChange = {
  path: 'src/new.ts',
  changeType: 'CREATED',
  baseFingerprint: null,
  before: null,
  after: 'export const x = 1;\n',
};
const deleted: FileChange = {
  path: 'src/old.ts',
  changeType: 'DELETED',
  baseFingerprint: fingerprintOf('old\n'),
  before: 'old\n',
  after: null,
};
const workspace = { 'src/big.txt': before, 'src/old.ts': 'old\n', 'README.md': '# r\n' };

void test('V1-FR-DEL-005: hunk ids are deterministic, distinct, and depend on path and content', () => {
  const [big] = buildDelivery([change]);
  assert.equal(big!.hunks.length, 3);
  const ids = big!.hunks.map((h) => h.hunkId);
  assert.equal(new Set(ids).size, 3);
  for (const id of ids) assert.match(id, /^h[0-9a-f]{16}$/);
  assert.deepEqual(
    buildDelivery([{ ...change }])[0]!.hunks.map((h) => h.hunkId),
    ids,
  );
  const moved = buildDelivery([{ ...change, path: 'src/other.txt' }])[0]!.hunks.map(
    (h) => h.hunkId,
  );
  assert.equal(ids.filter((id) => moved.includes(id)).length, 0);
});

void test('V1-FR-DEL-001: the API FileDiff is full contents plus display-only hunk ranges and validates against the contract', () => {
  const files = buildDelivery([change, created, deleted]).map(toFileDiff);
  for (const f of files) fileDiffSchema.parse(f);
  const big = files.find((f) => f.path === 'src/big.txt')!;
  assert.deepEqual(
    big.hunks.map((h) => [h.old_start, h.old_lines, h.new_start, h.new_lines]),
    [
      [3, 7, 3, 7],
      [28, 7, 28, 7],
      [54, 6, 54, 7],
    ],
  );
  assert.equal(files.find((f) => f.path === 'src/new.ts')!.base_hash, null);
});

void test('V1-FR-DEL-005: accepting one hunk applies only it; the rest stays as the partial artifact and completes the file later', () => {
  const delivery = buildDelivery([change, created, deleted]);
  const second = delivery.find((f) => f.path === 'src/big.txt')!.hunks[1]!;
  const r = acceptDelivery(workspace, delivery, {
    acceptAll: false,
    acceptedHunks: [{ file: 'src/big.txt', hunkIds: [second.hunkId] }],
  });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.failures));
  assert.equal(r.files['src/big.txt'], before.replace('line 30\n', 'line thirty\r\n'));
  assert.deepEqual(r.appliedFiles, ['src/big.txt']);
  assert.deepEqual(r.skippedFiles, ['src/new.ts', 'src/old.ts']);
  assert.equal(r.files['src/old.ts'], 'old\n');
  assert.equal(r.files['README.md'], '# r\n');
  const rest = r.remaining.find((f) => f.path === 'src/big.txt')!;
  assert.equal(rest.hunks.length, 2);
  assert.equal(rest.baseFingerprint, fingerprintOf(r.files['src/big.txt']!));

  const done = acceptDelivery(r.files, r.remaining, { acceptAll: true });
  assert.ok(done.ok, JSON.stringify(!done.ok && done.failures));
  assert.equal(done.files['src/big.txt'], after);
  assert.equal(done.files['src/new.ts'], created.after);
  assert.equal('src/old.ts' in done.files, false);
});

void test('V1-FR-DEL-005: file-level acceptance applies whole files and skips the others', () => {
  const delivery = buildDelivery([change, created, deleted]);
  const r = acceptDelivery(workspace, delivery, {
    acceptAll: false,
    acceptedFiles: ['src/new.ts', 'src/old.ts'],
  });
  assert.ok(r.ok);
  assert.deepEqual(r.appliedFiles, ['src/new.ts', 'src/old.ts']);
  assert.deepEqual(r.skippedFiles, ['src/big.txt']);
  assert.equal(r.files['src/big.txt'], before);
  assert.equal(r.files['src/new.ts'], created.after);
  assert.equal('src/old.ts' in r.files, false);
});

void test('V1-FR-JOB-006 / §17 group 14: a workspace changed since the base is a conflict and nothing is applied', () => {
  const delivery = buildDelivery([change, created]);
  const edited = { ...workspace, 'src/big.txt': before + 'local edit\n' };
  const r = acceptDelivery(edited, delivery, { acceptAll: true });
  assert.ok(!r.ok);
  assert.equal(r.conflict, true);
  assert.deepEqual(
    r.failures.map((f) => [f.path, f.reason]),
    [['src/big.txt', 'WORKSPACE_CHANGED']],
  );
  const createdMeanwhile = acceptDelivery({ ...workspace, 'src/new.ts': 'mine\n' }, delivery, {
    acceptAll: false,
    acceptedFiles: ['src/new.ts'],
  });
  assert.ok(!createdMeanwhile.ok);
  assert.equal(createdMeanwhile.failures[0]!.reason, 'WORKSPACE_CHANGED');
  assert.equal(createdMeanwhile.failures[0]!.expectedFingerprint, null);
});

void test('V1-FR-DEL-005: unknown files or hunks and partial selection of a created file are refused', () => {
  const delivery = buildDelivery([change, created]);
  const r = acceptDelivery(workspace, delivery, {
    acceptAll: false,
    acceptedFiles: ['nope.ts'],
    acceptedHunks: [{ file: 'src/big.txt', hunkIds: ['hdeadbeefdeadbeef'] }],
  });
  assert.ok(!r.ok);
  assert.equal(r.conflict, false);
  assert.deepEqual(
    r.failures.map((f) => f.reason),
    ['UNKNOWN_FILE', 'UNKNOWN_HUNK'],
  );
  const twoCreated = buildDelivery([{ ...created, after: lines(40, (i) => `c${i}`) }]);
  assert.equal(twoCreated[0]!.hunks.length, 1, 'a created file is one hunk');
  assert.equal(applyHunks('', twoCreated[0]!.hunks, new Set()), '');
});

void test('V1-FR-DEL-007: the reverse patch of a partial acceptance restores the workspace byte for byte; later edits block it', () => {
  const delivery = buildDelivery([change, created, deleted]);
  const first = delivery.find((f) => f.path === 'src/big.txt')!.hunks[0]!;
  const r = acceptDelivery(workspace, delivery, {
    acceptAll: false,
    acceptedFiles: ['src/new.ts', 'src/old.ts'],
    acceptedHunks: [{ file: 'src/big.txt', hunkIds: [first.hunkId] }],
  });
  assert.ok(r.ok);
  const back = applyReversePatch(r.files, r.reverse);
  assert.ok(back.ok);
  assert.deepEqual(back.files, workspace);

  const touched = { ...r.files, 'src/new.ts': 'edited after apply\n' };
  const blocked = applyReversePatch(touched, r.reverse);
  assert.ok(!blocked.ok);
  assert.deepEqual(
    blocked.drift.map((d) => [d.path, d.kind]),
    [['src/new.ts', 'MODIFIED']],
  );
});

void test('V1-FR-JOB-006: drift detection names modified, missing and unexpectedly present files', () => {
  const snapshot = {
    'a.ts': fingerprintOf('a'),
    'b.ts': fingerprintOf('b'),
    'c.ts': null,
    'd.ts': fingerprintOf('d'),
  };
  const drift = detectDrift(snapshot, {
    'a.ts': 'a',
    'b.ts': 'B',
    'c.ts': 'new',
    'e.ts': 'ignored',
  });
  assert.deepEqual(
    drift.map((d) => [d.path, d.kind]),
    [
      ['b.ts', 'MODIFIED'],
      ['c.ts', 'ADDED'],
      ['d.ts', 'MISSING'],
    ],
  );
});

void test('V1-FR-DEL-004: the line diff reconstructs the new text for random edits (seeded property check)', () => {
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let round = 0; round < 300; round++) {
    const a = Array.from({ length: rand(40) }, () => `${rand(6)}\n`);
    const b = a.flatMap((l) =>
      rand(4) === 0
        ? []
        : rand(5) === 0
          ? [l, `${rand(6)}\n`]
          : [rand(6) === 0 ? `${rand(6)}\n` : l],
    );
    const rebuilt: string[] = [];
    let at = 0;
    for (const r of diffLines(a, b)) {
      rebuilt.push(...a.slice(at, r.oldFrom), ...b.slice(r.newFrom, r.newTo));
      at = r.oldTo;
    }
    rebuilt.push(...a.slice(at));
    assert.deepEqual(rebuilt, b, `round ${round}`);
    const minimalBound = diffLines(a, b).reduce(
      (n, r) => n + (r.oldTo - r.oldFrom) + (r.newTo - r.newFrom),
      0,
    );
    assert.ok(minimalBound <= a.length + b.length);
  }
  // Past the edit-distance cap the diff degrades to one exact region.
  const x = Array.from({ length: 50 }, (_, i) => `x${i}\n`);
  const y = Array.from({ length: 50 }, (_, i) => `y${i}\n`);
  assert.deepEqual(diffLines(x, y, 10), [{ oldFrom: 0, oldTo: 50, newFrom: 0, newTo: 50 }]);
});

void test('V1-FR-DEL-007: the delivery and reverse unified diffs apply with the real git apply (CRLF, no final newline, create, delete)', () => {
  const base = {
    'src/big.txt': before,
    'src/old.ts': 'old\n',
    'src/tail.cfg': 'a = 1\nb = 2',
    'src/crlf.cs': 'class A\r\n{\r\n}\r\n',
  };
  const changes: FileChange[] = [
    change,
    created,
    deleted,
    { path: 'src/empty.py', changeType: 'CREATED', baseFingerprint: null, before: null, after: '' },
    {
      path: 'src/tail.cfg',
      changeType: 'MODIFIED',
      baseFingerprint: fingerprintOf(base['src/tail.cfg']),
      before: base['src/tail.cfg'],
      after: 'a = 1\nb = 3',
    },
    {
      path: 'src/crlf.cs',
      changeType: 'MODIFIED',
      baseFingerprint: fingerprintOf(base['src/crlf.cs']),
      before: base['src/crlf.cs'],
      after: 'class A\r\n{\r\n  int x;\r\n}\r\n',
    },
  ];
  const dir = mkdtempSync(join(tmpdir(), 'iama-patch-git-'));
  try {
    for (const [p, c] of Object.entries(base)) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), c);
    }
    const git = (patchText: string) =>
      execFileSync('git', ['apply', '--whitespace=nowarn', '-'], { cwd: dir, input: patchText });
    git(unifiedDelivery(buildDelivery(changes)));
    const expected = { ...base } as Record<string, string>;
    for (const c of changes) {
      if (c.after === null) delete expected[c.path];
      else expected[c.path] = c.after;
    }
    const enc = (t: Record<string, string>) =>
      Object.fromEntries(Object.entries(t).map(([p, c]) => [p, new Uint8Array(Buffer.from(c))]));
    assert.deepEqual(readTree(dir), enc(expected));
    git(reversePatchOf(changes).unified);
    assert.deepEqual(readTree(dir), enc(base));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
