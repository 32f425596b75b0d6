/**
 * @module `buildContext` end to end on a fixture workspace read from disk: walk (with
 * `.iamaignore`) → Tree-sitter index → expansion → secret gate → cap → manifest (issue #3;
 * V1-FR-CTX-001…005, V1-FR-SEC-003, V1-FR-SEC-004). Each failure happens before anything
 * could be sent: the result carries no context.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  buildContext,
  indexWorkspace,
  walkWorkspace,
  type BuildContextInput,
  type BuildContextResult,
} from '../src/index';
import { loadParser } from '../bench/sources';

const parse = await loadParser();
const scratch: string[] = [];
after(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A private copy of the TypeScript fixture, changed by `edit` before it is walked. */
function workspace(edit: (root: string) => void = () => {}) {
  const root = mkdtempSync(join(tmpdir(), 'iama-ctx-'));
  scratch.push(root);
  cpSync(join(import.meta.dirname, 'fixtures', 'ts-app'), root, { recursive: true });
  edit(root);
  const snapshot = walkWorkspace(root);
  return indexWorkspace(snapshot.files, parse, snapshot.exclusions);
}

const build = (index: BuildContextInput['index'], extra: Partial<BuildContextInput> = {}) =>
  buildContext({ index, targets: ['src/service.ts'], contextCapTokens: 100_000, ...extra });

function failure(r: BuildContextResult) {
  assert.equal(r.ok, false, 'expected the build to be refused');
  assert.ok(!r.ok && !('context' in r));
  return (r as Extract<BuildContextResult, { ok: false }>).error;
}

const AWS_KEY = `AKIA${'Q7'.repeat(8)}`;

void describe('buildContext end to end', () => {
  void it('V1-FR-CTX-001/003: a clean workspace yields slices, a manifest, confidence and the fast-pass total', async () => {
    const r = await build(workspace());
    assert.ok(r.ok);
    const c = r.context;
    assert.equal(c.confidence.editMode, 'AST_SYMBOLIC');
    assert.equal(
      c.fastPassTokens,
      c.manifest.entries.reduce((a, e) => a + e.fastPassTokens, 0),
    );
    assert.deepEqual(c.manifest.targets, ['src/service.ts']);
    assert.deepEqual(c.pruning.pruned, []);
  });

  void it('V1-FR-SEC-003: a secret in a file that would be sent blocks the build; the finding names file, line and rule, never the secret', async () => {
    const index = workspace((root) =>
      appendFileSync(join(root, 'src/util/log.ts'), `\nexport const AWS_ID = '${AWS_KEY}';\n`),
    );
    const error = failure(await build(index));
    assert.equal(error.code, 'SECRET_DETECTED');
    if (error.code !== 'SECRET_DETECTED') return;
    assert.deepEqual(
      error.detail.findings.map((f) => [f.path, f.line, f.ruleId]),
      [['src/util/log.ts', 12, 'aws-access-key-id']],
    );
    assert.ok(!JSON.stringify(error).includes(AWS_KEY));
  });

  void it('V1-FR-SEC-003: a high finding cannot be waived; a medium one can, by path, line and rule', async () => {
    const high = workspace((root) =>
      appendFileSync(join(root, 'src/service.ts'), `\nconst id = '${AWS_KEY}';\n`),
    );
    const first = failure(await build(high));
    assert.ok(first.code === 'SECRET_DETECTED');
    const [key] = first.detail.findings;
    assert.equal(key!.severity, 'high');
    const waiver = { path: key!.path, line: key!.line, ruleId: key!.ruleId };
    assert.equal(failure(await build(high, { secretWaivers: [waiver] })).code, 'SECRET_DETECTED');

    const password = 'postgres://app:Xk29vLq7Wm3@db.internal:5432/app';
    const medium = workspace((root) =>
      appendFileSync(join(root, 'src/service.ts'), `\nexport const DB = '${password}';\n`),
    );
    const error = failure(await build(medium));
    assert.equal(error.code, 'SECRET_DETECTED');
    if (error.code !== 'SECRET_DETECTED') return;
    const [finding] = error.detail.findings;
    assert.equal(finding!.severity, 'medium');
    const r = await build(medium, {
      secretWaivers: [{ path: finding!.path, line: finding!.line, ruleId: finding!.ruleId }],
    });
    assert.ok(r.ok);
  });

  void it('V1-FR-SEC-003: a secret in a file that contributes nothing does not block', async () => {
    const index = workspace((root) =>
      appendFileSync(join(root, 'src/widget.tsx'), `\nexport const KEY = '${AWS_KEY}';\n`),
    );
    assert.ok((await build(index)).ok);
  });

  void it('V1-FR-SEC-004: a spec with a secret is blocked as well', async () => {
    const error = failure(
      await build(workspace(), {
        spec: [{ name: 'sdd', text: `Use key ${AWS_KEY} for the test account.` }],
      }),
    );
    assert.equal(error.code, 'SECRET_DETECTED');
  });

  void it('V1-FR-SEC-004 / V1-FR-CTX-002: a dependency hidden by .iamaignore fails with CONTEXT_DEPENDENCY_MISSING naming the import', async () => {
    const index = workspace((root) => writeFileSync(join(root, '.iamaignore'), 'src/util/\n'));
    assert.ok(!index.files.has('src/util/log.ts'));
    const error = failure(await build(index));
    assert.equal(error.code, 'CONTEXT_DEPENDENCY_MISSING');
    if (error.code !== 'CONTEXT_DEPENDENCY_MISSING') return;
    assert.deepEqual(
      error.detail.missing.map((m) => [m.from, m.specifier, m.reason]),
      [
        ['src/service.ts', './util', 'IGNORED_BY_IAMAIGNORE'],
        ['src/repo.ts', './util/log', 'IGNORED_BY_IAMAIGNORE'],
      ],
    );
  });

  void it('V1-FR-SEC-004: an ignored or unknown target is refused with its reason', async () => {
    const index = workspace((root) => writeFileSync(join(root, '.iamaignore'), 'src/service.ts\n'));
    const error = failure(await build(index, { targets: ['src/service.ts', 'src/nope.ts'] }));
    assert.equal(error.code, 'TARGET_NOT_AVAILABLE');
    if (error.code !== 'TARGET_NOT_AVAILABLE') return;
    assert.deepEqual(error.detail.targets, [
      { path: 'src/service.ts', reason: 'IGNORED_BY_IAMAIGNORE' },
      { path: 'src/nope.ts', reason: 'NOT_FOUND' },
    ]);
    assert.equal(failure(await build(index, { targets: [] })).code, 'TARGET_NOT_AVAILABLE');
  });

  void it('V1-FR-CTX-005: over the cap even after pruning, the build fails before anything is sent', async () => {
    const error = failure(await build(workspace(), { contextCapTokens: 10 }));
    assert.equal(error.code, 'CONTEXT_CAP_EXCEEDED');
  });
});
