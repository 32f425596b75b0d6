/**
 * @module Unified-diff hunks with stable ids (V1-FR-DEL-005). The id hashes the path, the old
 * range and the hunk's lines, so the same change always gets the same id and a client can name
 * the hunks it accepts. Hunks are for display and selection only, never apply input from a
 * model (PRD V1 §11 item 14).
 */
import { sha256Hex } from '../fingerprint';
import { diffLines, type ChangeRegion } from './myers';

export type HunkLine = { kind: ' ' | '-' | '+'; text: string };

export type Hunk = {
  hunkId: string;
  /** 0-based first old line and count: what the hunk replaces in the base. */
  oldFrom: number;
  oldLines: number;
  newFrom: number;
  newLines: number;
  /** Lines with their terminators; the last line of a file may have none. */
  lines: HunkLine[];
};

/** Lines of unchanged context around each change, as in `diff -u`. */
export const CONTEXT_LINES = 3;

/**
 * Hunks turning `oldLines` into `newLines` for `path`; changes closer than twice the context share a hunk.
 * @example buildHunks('a.ts', ['x\n'], ['y\n'])[0].lines // [{ kind: '-', text: 'x\n' }, { kind: '+', text: 'y\n' }]
 */
export function buildHunks(
  path: string,
  oldLines: readonly string[],
  newLines: readonly string[],
  context = CONTEXT_LINES,
): Hunk[] {
  const groups: ChangeRegion[][] = [];
  for (const r of diffLines(oldLines, newLines)) {
    const last = groups.at(-1);
    if (last && r.oldFrom - last.at(-1)!.oldTo <= 2 * context) last.push(r);
    else groups.push([r]);
  }
  return groups.map((g) => {
    const first = g[0]!;
    const end = g.at(-1)!;
    const oldFrom = Math.max(0, first.oldFrom - context);
    const newFrom = first.newFrom - (first.oldFrom - oldFrom);
    const oldTo = Math.min(oldLines.length, end.oldTo + context);
    const lines: HunkLine[] = [];
    let at = oldFrom;
    for (const r of g) {
      for (; at < r.oldFrom; at++) lines.push({ kind: ' ', text: oldLines[at]! });
      for (let i = r.oldFrom; i < r.oldTo; i++) lines.push({ kind: '-', text: oldLines[i]! });
      for (let i = r.newFrom; i < r.newTo; i++) lines.push({ kind: '+', text: newLines[i]! });
      at = r.oldTo;
    }
    for (; at < oldTo; at++) lines.push({ kind: ' ', text: oldLines[at]! });
    const oldCount = lines.filter((l) => l.kind !== '+').length;
    const newCount = lines.filter((l) => l.kind !== '-').length;
    return {
      hunkId: hunkIdOf(path, oldFrom, oldCount, lines),
      oldFrom,
      oldLines: oldCount,
      newFrom,
      newLines: newCount,
      lines,
    };
  });
}

/**
 * Deterministic id: `h` + 16 hex of SHA-256 over path, old range and the hunk's lines.
 * @example hunkIdOf('a.ts', 0, 1, lines) // 'h3f0c…' (same input, same id)
 */
export function hunkIdOf(
  path: string,
  oldFrom: number,
  oldCount: number,
  lines: readonly HunkLine[],
): string {
  const body = lines.map((l) => l.kind + l.text).join('\u0000');
  return `h${sha256Hex(`${path}\u0000${oldFrom},${oldCount}\u0000${body}`).slice(0, 16)}`;
}

/** 1-based start as unified diffs print it (the line before, for an empty range). */
export const displayStart = (from: number, count: number) => (count === 0 ? from : from + 1);

/**
 * The Git-style unified diff of one file (`git apply` compatible: `new file mode` / `deleted file
 * mode` headers, so an empty created file is not lost, and `\ No newline at end of file`).
 * @example unifiedDiff('a.ts', 'MODIFIED', hunks) // 'diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -1,1 +1,1 @@\n-x\n+y\n'
 */
export function unifiedDiff(
  path: string,
  changeType: 'MODIFIED' | 'CREATED' | 'DELETED',
  hunks: readonly Hunk[],
): string {
  if (hunks.length === 0 && changeType === 'MODIFIED') return '';
  const out = [`diff --git a/${path} b/${path}\n`];
  if (changeType === 'CREATED') out.push('new file mode 100644\n');
  if (changeType === 'DELETED') out.push('deleted file mode 100644\n');
  if (hunks.length === 0) return out.join('');
  out.push(
    `--- ${changeType === 'CREATED' ? '/dev/null' : `a/${path}`}\n`,
    `+++ ${changeType === 'DELETED' ? '/dev/null' : `b/${path}`}\n`,
  );
  for (const h of hunks) {
    out.push(
      `@@ -${displayStart(h.oldFrom, h.oldLines)},${h.oldLines} +${displayStart(h.newFrom, h.newLines)},${h.newLines} @@\n`,
    );
    for (const l of h.lines)
      out.push(l.kind + l.text + (l.text.endsWith('\n') ? '' : '\n\\ No newline at end of file\n'));
  }
  return out.join('');
}
