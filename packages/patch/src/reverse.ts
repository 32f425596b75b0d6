/**
 * @module The reverse patch (V1-FR-DEL-007): what restores the workspace exactly as it was
 * before a delivery was applied. Each file carries the fingerprint it must have now (so a revert
 * over later edits is refused as a conflict) and its full original content; the unified text is
 * the artifact for manual application when an automated revert is blocked.
 */
import type { Fingerprint } from '@iama/contracts';
import { deliveryFileOf } from './diff/delivery';
import { detectDrift, type Drift } from './drift';
import type { FileChange, FileContent, FileTree } from './file-tree';
import { fingerprintOf } from './fingerprint';

export type ReverseFile = {
  path: string;
  /** Fingerprint the file must have before reverting; null: it must be absent (it was deleted). */
  expectFingerprint: Fingerprint | null;
  /** Content to restore; null: remove the file (it was created). */
  restore: string | null;
};

export type ReversePatch = { files: ReverseFile[]; unified: string };

export type RevertResult =
  { ok: true; files: FileTree; reverted: string[] } | { ok: false; conflict: true; drift: Drift[] };

const INVERSE = { MODIFIED: 'MODIFIED', CREATED: 'DELETED', DELETED: 'CREATED' } as const;

/**
 * The reverse of changes that were applied (whole delivery or the accepted part).
 * @example reversePatchOf(result.changes).files[0].restore // the original text
 */
export function reversePatchOf(applied: readonly FileChange[]): ReversePatch {
  const sorted = [...applied].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const files = sorted.map((c) => ({
    path: c.path,
    expectFingerprint: c.after === null ? null : fingerprintOf(c.after),
    restore: c.before,
  }));
  const unified = sorted
    .map(
      (c) =>
        deliveryFileOf({
          path: c.path,
          changeType: INVERSE[c.changeType],
          baseFingerprint: c.after === null ? null : fingerprintOf(c.after),
          before: c.after,
          after: c.before,
        }).unified,
    )
    .join('');
  return { files, unified };
}

/**
 * Reverts atomically: every file must still be exactly as the delivery left it, else nothing is
 * restored and the drift is reported.
 * @example applyReversePatch(afterTree, reverse).ok && files // deep-equals the tree before apply
 */
export function applyReversePatch(tree: FileTree, reverse: ReversePatch): RevertResult {
  const drift = detectDrift(
    Object.fromEntries(reverse.files.map((f) => [f.path, f.expectFingerprint])),
    tree,
  );
  if (drift.length > 0) return { ok: false, conflict: true, drift };
  const restore = new Map(reverse.files.map((f) => [f.path, f.restore]));
  const entries: Array<[string, FileContent]> = [];
  for (const [path, content] of Object.entries(tree)) {
    const next = restore.has(path) ? restore.get(path) : content;
    if (next !== null && next !== undefined) entries.push([path, next]);
  }
  for (const f of reverse.files)
    if (f.expectFingerprint === null && f.restore !== null) entries.push([f.path, f.restore]);
  return {
    ok: true,
    files: Object.fromEntries(entries),
    reverted: reverse.files.map((f) => f.path),
  };
}
