/**
 * @module Fixture-driven engine tests: each `fixtures/<case>` is a base tree, a `patch_edit`
 * document and the expected tree or failures (V1-FR-JOB-006, V1-FR-DEL-004, V1-FR-DEL-007,
 * PRD V1 §11 items 14-15, §17 groups 14 and 26). Every applied case is also reverted and
 * re-delivered to prove the round trip and the hunk ids.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  acceptDelivery,
  applyPatchEdit,
  applyReversePatch,
  buildDelivery,
  loadAstSupport,
  reversePatchOf,
  unifiedDelivery,
  type AstSupport,
  type FileTree,
} from '../src/index';
import { caseNames, loadCase } from './fixture-cases';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const asBytes = (tree: FileTree) =>
  Object.fromEntries(
    Object.entries(tree).map(([p, c]) => [p, typeof c === 'string' ? encoder.encode(c) : c]),
  );
const sortedKeys = (o: object) => Object.keys(o).sort();

let ast: AstSupport;
before(async () => {
  ast = await loadAstSupport();
});

void describe('patch engine fixtures', () => {
  for (const name of caseNames()) {
    const c = loadCase(name);
    void it(`${c.requirements.join(', ')}: ${name} — ${c.description}`, () => {
      const result = applyPatchEdit(c.before, c.patch, { ast });
      if (!c.expect.ok) {
        assert.equal(result.ok, false, 'the patch must be refused');
        if (result.ok) return;
        assert.equal('files' in result, false, 'a refused patch yields no files');
        assert.equal(result.conflict, c.expect.conflict);
        assert.equal(
          result.failures.length,
          c.expect.failures.length,
          JSON.stringify(result.failures),
        );
        c.expect.failures.forEach((want, i) => {
          const got = result.failures[i]! as unknown as Record<string, unknown>;
          for (const [key, value] of Object.entries(want))
            assert.deepEqual(got[key], value, `failure ${i}.${key}`);
        });
        const failed = new Set(c.expect.failures.map((f) => f.index));
        if (!failed.has(-1)) {
          assert.deepEqual(
            result.operations.map((o) => o.apply_outcome),
            c.patch.operations.map((_, i) => (failed.has(i) ? 'FAILED' : 'SKIPPED')),
          );
        }
        return;
      }
      assert.ok(result.ok, JSON.stringify(!result.ok && result.failures));
      assert.deepEqual(sortedKeys(result.files), sortedKeys(c.after!));
      for (const [path, want] of Object.entries(c.after!)) {
        // Compared as text first for a readable message, then byte for byte.
        const got: Uint8Array = asBytes(result.files)[path]!;
        assert.equal(
          decoder.decode(got),
          decoder.decode(want),
          `${path} differs from after/${path}`,
        );
        assert.deepEqual(got, want);
      }
      assert.ok(result.operations.every((o) => o.apply_outcome === 'SUCCESS'));

      // V1-FR-DEL-004: the diff is rebuilt from full files; ids are stable; all hunks rebuild the result.
      const delivery = buildDelivery(result.changes);
      const second = applyPatchEdit(c.before, c.patch, { ast });
      assert.ok(second.ok);
      const again = buildDelivery(second.changes);
      assert.deepEqual(
        delivery.map((f) => f.hunks.map((h) => h.hunkId)),
        again.map((f) => f.hunks.map((h) => h.hunkId)),
      );
      if (c.expectedDiff !== undefined) assert.equal(unifiedDelivery(delivery), c.expectedDiff);
      const accepted = acceptDelivery(c.before, delivery, { acceptAll: true });
      assert.ok(accepted.ok);
      assert.deepEqual(asBytes(accepted.files), asBytes(result.files));

      // V1-FR-DEL-007: the reverse patch restores every byte of the base.
      const reverted = applyReversePatch(result.files, reversePatchOf(result.changes));
      assert.ok(reverted.ok);
      assert.deepEqual(asBytes(reverted.files), c.before);
    });
  }
});
