/**
 * @module The delivery diff (V1-FR-DEL-001, V1-FR-DEL-004): rebuilt from the full base and
 * patched files, never from model output, one entry per changed file with its hunks and unified
 * text, and its API form `FileDiff` (API_CONTRACT §4).
 */
import type { FileDiff } from '@iama/contracts';
import type { FileChange } from '../file-tree';
import { splitLines } from '../text/lines';
import { buildHunks, displayStart, unifiedDiff, type Hunk } from './hunks';

export type DeliveryFile = FileChange & { hunks: Hunk[]; unified: string };

/**
 * Diff of one change between full files.
 * @example deliveryFileOf({ path: 'a.ts', changeType: 'MODIFIED', baseFingerprint, before: 'x\n', after: 'y\n' }).hunks.length // 1
 */
export function deliveryFileOf(change: FileChange): DeliveryFile {
  const hunks = buildHunks(
    change.path,
    splitLines(change.before ?? ''),
    splitLines(change.after ?? ''),
  );
  const unified = unifiedDiff(change.path, change.changeType, hunks);
  return { ...change, hunks, unified };
}

/** Diffs of every change, in path order. */
export function buildDelivery(changes: readonly FileChange[]): DeliveryFile[] {
  return [...changes]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map(deliveryFileOf);
}

/**
 * The API's `FileDiff`: full contents plus display-only hunk ranges (ARCHITECTURE D5).
 * @example toFileDiff(deliveryFileOf(change)).hunks[0].hunk_id // 'h…'
 */
export function toFileDiff(file: DeliveryFile): FileDiff {
  return {
    path: file.path,
    change_type: file.changeType,
    base_hash: file.baseFingerprint,
    original_content: file.before,
    patched_content: file.after,
    hunks: file.hunks.map((h) => ({
      hunk_id: h.hunkId,
      old_start: displayStart(h.oldFrom, h.oldLines),
      old_lines: h.oldLines,
      new_start: displayStart(h.newFrom, h.newLines),
      new_lines: h.newLines,
    })),
  };
}

/** The whole delivery as one unified-diff text (the downloadable patch artifact). */
export function unifiedDelivery(files: readonly DeliveryFile[]): string {
  return files.map((f) => f.unified).join('');
}
