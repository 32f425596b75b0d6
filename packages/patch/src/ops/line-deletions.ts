/**
 * @module Joins whole-line symbol deletions of one file that overlap or are separated only by
 * blank lines (adjacent members, a class and its own member) into one deletion, then tidies the
 * blank lines around the joined block once — so deleting neighbours together leaves the same
 * layout as deleting the block they form.
 */
import type { TextEdit } from '../edits';
import { tidyDeletion } from './layout';

/**
 * Returns the edits with every run of joinable line deletions replaced by one tidied deletion.
 * @example mergeLineDeletions(base, [delA, delB, replaceC]) // [delAB, replaceC]
 */
export function mergeLineDeletions(base: string, edits: readonly TextEdit[]): TextEdit[] {
  const deletions = edits
    .filter((e) => e.lineDeletion)
    .sort((a, b) => a.start - b.start || a.opIndex - b.opIndex);
  if (deletions.length === 0) return [...edits];
  const merged: TextEdit[] = [];
  for (const d of deletions) {
    const last = merged.at(-1);
    if (last && (d.start <= last.end || /^\s*$/.test(base.slice(last.end, d.start)))) {
      merged[merged.length - 1] = {
        ...last,
        end: Math.max(last.end, d.end),
        opIndex: Math.min(last.opIndex, d.opIndex),
        ops: [...(last.ops ?? [last.opIndex]), d.opIndex],
      };
    } else merged.push({ ...d });
  }
  const tidied = merged.map((m) => ({ ...m, ...tidyDeletion(base, m.start, m.end) }));
  return [...edits.filter((e) => !e.lineDeletion), ...tidied];
}
