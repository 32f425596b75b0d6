/**
 * @module Text edits in base-file coordinates. Every operation of a patch is resolved against the
 * base content the model saw (not against the output of earlier operations), so operations are
 * position-independent and two that touch the same region are a detectable error
 * (docs/patch/decisions.md, decision 2).
 */

/**
 * Replace `base.slice(start, end)` by `text`; `start === end` is an insertion. `lineDeletion`
 * marks the whole-line removal of a symbol, which `mergeLineDeletions` joins with its neighbours;
 * `ops` lists every operation a merged edit stands for.
 */
export type TextEdit = {
  start: number;
  end: number;
  text: string;
  opIndex: number;
  lineDeletion?: boolean;
  ops?: readonly number[];
};

/** True when the edit carries out operation `i` (alone or merged with others). */
export const editServes = (e: TextEdit, i: number): boolean =>
  e.opIndex === i || (e.ops?.includes(i) ?? false);

/** Sort order: by position, insertions before a replacement starting at the same point, then op order. */
function compareEdits(a: TextEdit, b: TextEdit): number {
  return a.start - b.start || a.end - b.end || a.opIndex - b.opIndex;
}

/**
 * Pairs of edits whose ranges intersect. Touching ranges and insertions at a boundary are fine;
 * an insertion strictly inside a replaced range is an overlap.
 * @example findOverlaps([{ start: 0, end: 5, text: '', opIndex: 0 }, { start: 3, end: 3, text: 'x', opIndex: 1 }]) // [[0, 1]]
 */
export function findOverlaps(edits: readonly TextEdit[]): Array<[TextEdit, TextEdit]> {
  const sorted = [...edits].sort(compareEdits);
  const out: Array<[TextEdit, TextEdit]> = [];
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]!;
    // An insertion never contains anything; a replacement containing it is found from its side.
    if (a.start === a.end) continue;
    for (let j = i + 1; j < sorted.length; j++) {
      const b = sorted[j]!;
      if (b.start >= a.end) break;
      // Sorted order puts an insertion at a.start before a, so every b here starts inside a.
      out.push([a, b]);
    }
  }
  return out;
}

/**
 * Applies non-overlapping edits to the base text in one pass.
 * @example applyEdits('abc', [{ start: 1, end: 2, text: 'X', opIndex: 0 }]) // 'aXc'
 */
export function applyEdits(base: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort(compareEdits);
  const parts: string[] = [];
  let at = 0;
  for (const e of sorted) {
    parts.push(base.slice(at, e.start), e.text);
    at = e.end;
  }
  parts.push(base.slice(at));
  return parts.join('');
}
