/**
 * @module Partial acceptance of a delivery (V1-FR-DEL-005) on the client's workspace, with the
 * base check of V1-FR-JOB-006: every selected file must still be exactly the base the delivery
 * was built on, else nothing is written. Accepted hunks are applied to that base; what was not
 * accepted is returned re-based onto the result, as the partial artifact.
 */
import { buildDelivery, type DeliveryFile } from './diff/delivery';
import type { Hunk } from './diff/hunks';
import { contentAt, type FileChange, type FileContent, type FileTree } from './file-tree';
import { fingerprintOf } from './fingerprint';
import { DELIVERY_FAILURE_REASONS, type DeliveryFailureReason } from './reasons';
import { reversePatchOf, type ReversePatch } from './reverse';
import { splitLines } from './text/lines';

/** The request of `POST /jobs/:job_id/delivery/apply` (API_CONTRACT §4), in library terms. */
export type DeliverySelection = {
  acceptAll: boolean;
  acceptedFiles?: readonly string[];
  acceptedHunks?: ReadonlyArray<{ file: string; hunkIds: readonly string[] }>;
};

export type DeliveryFailure = {
  path: string;
  reason: DeliveryFailureReason;
  message: string;
  hunkId?: string;
  expectedFingerprint?: string | null;
  actualFingerprint?: string | null;
};

export type AcceptResult =
  | {
      ok: true;
      files: FileTree;
      /** What was written, base → result per file: the input of the reverse patch. */
      applied: FileChange[];
      appliedFiles: string[];
      skippedFiles: string[];
      /** Unaccepted changes relative to the new workspace: the partial artifact. */
      remaining: DeliveryFile[];
      reverse: ReversePatch;
    }
  | { ok: false; conflict: boolean; failures: DeliveryFailure[] };

const fail = (
  path: string,
  reason: DeliveryFailureReason,
  extra: Partial<DeliveryFailure> = {},
): DeliveryFailure => ({
  path,
  reason,
  message: DELIVERY_FAILURE_REASONS[reason],
  ...extra,
});

/** The plain change of a delivery file (drops its hunks and text). */
const changeOf = ({
  path,
  changeType,
  baseFingerprint,
  before,
  after,
}: FileChange): FileChange => ({ path, changeType, baseFingerprint, before, after });

/**
 * Applies the selected hunks of one file's diff to its base text.
 * @example applyHunks('a\nb\n', file.hunks, new Set([file.hunks[0].hunkId]))
 */
export function applyHunks(
  base: string,
  hunks: readonly Hunk[],
  selected: ReadonlySet<string>,
): string {
  const lines = splitLines(base);
  const out: string[] = [];
  let at = 0;
  for (const h of [...hunks].sort((a, b) => a.oldFrom - b.oldFrom)) {
    if (!selected.has(h.hunkId)) continue;
    out.push(...lines.slice(at, h.oldFrom));
    for (const l of h.lines) if (l.kind !== '-') out.push(l.text);
    at = h.oldFrom + h.oldLines;
  }
  out.push(...lines.slice(at));
  return out.join('');
}

/**
 * Accepts all, some files or some hunks of a delivery on `workspace`; atomic.
 * @example acceptDelivery(workspace, delivery, { acceptAll: false, acceptedHunks: [{ file: 'a.ts', hunkIds: ['h…'] }] })
 */
export function acceptDelivery(
  workspace: FileTree,
  delivery: readonly DeliveryFile[],
  selection: DeliverySelection,
): AcceptResult {
  const byPath = new Map(delivery.map((f) => [f.path, f]));
  const failures: DeliveryFailure[] = [];
  const chosen = new Map<string, ReadonlySet<string> | 'all'>();
  if (selection.acceptAll) for (const f of delivery) chosen.set(f.path, 'all');
  for (const path of selection.acceptedFiles ?? []) {
    if (!byPath.has(path)) failures.push(fail(path, 'UNKNOWN_FILE'));
    else chosen.set(path, 'all');
  }
  for (const { file, hunkIds } of selection.acceptedHunks ?? []) {
    const d = byPath.get(file);
    if (!d) {
      failures.push(fail(file, 'UNKNOWN_FILE'));
      continue;
    }
    if (chosen.get(file) === 'all') continue;
    const known = new Set(d.hunks.map((h) => h.hunkId));
    const unknown = hunkIds.filter((id) => !known.has(id));
    for (const hunkId of unknown) failures.push(fail(file, 'UNKNOWN_HUNK', { hunkId }));
    const ids = new Set([
      ...((chosen.get(file) as ReadonlySet<string> | undefined) ?? []),
      ...hunkIds,
    ]);
    const whole = d.hunks.every((h) => ids.has(h.hunkId));
    if (!whole && d.changeType !== 'MODIFIED')
      failures.push(fail(file, 'PARTIAL_WHOLE_FILE_CHANGE'));
    chosen.set(file, whole ? 'all' : ids);
  }

  for (const path of chosen.keys()) {
    const d = byPath.get(path)!;
    const raw = contentAt(workspace, path);
    const actual = raw === undefined ? null : fingerprintOf(raw);
    if (actual !== d.baseFingerprint) {
      failures.push(
        fail(path, 'WORKSPACE_CHANGED', {
          expectedFingerprint: d.baseFingerprint,
          actualFingerprint: actual,
        }),
      );
    }
  }
  if (failures.length > 0) {
    return {
      ok: false,
      conflict: failures.some((f) => f.reason === 'WORKSPACE_CHANGED'),
      failures,
    };
  }

  const applied: FileChange[] = [];
  const remainingChanges: FileChange[] = [];
  for (const d of delivery) {
    const pick = chosen.get(d.path);
    if (!pick) {
      remainingChanges.push(d);
      continue;
    }
    if (pick === 'all') {
      applied.push(d);
      continue;
    }
    // The workspace fingerprint equals the delivery's base, so its content is exactly `before`.
    const after = applyHunks(d.before!, d.hunks, pick);
    applied.push({ ...d, after });
    remainingChanges.push({ ...d, baseFingerprint: fingerprintOf(after), before: after });
  }

  const writes = new Map(applied.map((c) => [c.path, c.after]));
  const entries: Array<[string, FileContent]> = [];
  for (const [path, content] of Object.entries(workspace)) {
    const next = writes.has(path) ? writes.get(path) : content;
    if (next !== null && next !== undefined) entries.push([path, next]);
  }
  for (const c of applied) if (c.changeType === 'CREATED') entries.push([c.path, c.after!]);
  const appliedChanges = applied.map(changeOf);
  return {
    ok: true,
    files: Object.fromEntries(entries),
    applied: appliedChanges,
    appliedFiles: appliedChanges.map((c) => c.path),
    skippedFiles: delivery.filter((d) => !chosen.has(d.path)).map((d) => d.path),
    remaining: buildDelivery(remainingChanges.map(changeOf)),
    reverse: reversePatchOf(appliedChanges),
  };
}
