/**
 * @module Applies a `patch_edit` document to the shadow file tree (AGENT_DEVELOPMENT_GUIDE §4.1,
 * PRD V1 §11 items 14-15, V1-FR-JOB-006, V1-FR-DEL-004). All or nothing: every operation is
 * checked against the base (fingerprint, anchor, overlaps, syntax after AST edits) before any
 * file is produced, and a single failure returns every failed operation and no files.
 */
import { patchEditSchema, type PatchEdit, type PatchEditOperation } from '@iama/contracts';
import { applyEdits, editServes, findOverlaps, type TextEdit } from './edits';
import { mergeLineDeletions } from './ops/line-deletions';
import { contentAt, type FileChange, type FileContent, type FileTree } from './file-tree';
import { fingerprintOf } from './fingerprint';
import type { AstSupport } from './ops/ast-support';
import { resolveExactSearch } from './ops/exact-search';
import { parserView, resolveSymbolic } from './ops/symbolic';
import { operationRecords, type OperationRecord } from './operation-records';
import { PATCH_FAILURE_REASONS, type PatchFailureReason, type SourceLocation } from './reasons';
import { decodeUtf8, isWellFormedText } from './text/decode';

/** One operation that cannot apply, with everything a conflict prompt or repair prompt needs. */
export type OperationFailure = {
  /** Position in `operations`; -1 when the document itself is malformed. */
  index: number;
  op: PatchEditOperation['op'] | null;
  path: string | null;
  reason: PatchFailureReason;
  message: string;
  expectedFingerprint?: string | null;
  actualFingerprint?: string;
  matchCount?: number;
  locations?: SourceLocation[];
  conflictingOperation?: number;
  byteOffset?: number;
  /** For SYNTAX_ERROR_AFTER_EDIT: true when only the combination of the file's edits breaks it. */
  combined?: boolean;
  /** For SYNTAX_ERROR_AFTER_EDIT: the base file already had syntax errors. */
  baseHadErrors?: boolean;
  /** For INVALID_PATCH: the schema issues, path and message only. */
  issues?: Array<{ path: string; message: string }>;
};

export type ApplyResult =
  | { ok: true; files: FileTree; changes: FileChange[]; operations: OperationRecord[] }
  | {
      ok: false;
      /** True when a base fingerprint did not match: the user gets a conflict prompt (V1-FR-JOB-006). */
      conflict: boolean;
      failures: OperationFailure[];
      /** Empty when the document could not be parsed at all. */
      operations: OperationRecord[];
    };

export type ApplyOptions = {
  /** Tree-sitter support for AST-symbolic operations; without it they fail with AST_UNAVAILABLE. */
  ast?: AstSupport;
};

type FileState = {
  path: string;
  base: string | undefined;
  edits: TextEdit[];
  astOps: number[];
  deletedBy: number | undefined;
};

function failure(
  index: number,
  op: PatchEditOperation,
  reason: PatchFailureReason,
  extra: Partial<OperationFailure> = {},
): OperationFailure {
  return {
    index,
    op: op.op,
    path: op.path,
    reason,
    message: PATCH_FAILURE_REASONS[reason],
    ...extra,
  };
}

/**
 * Applies a patch to a tree, returning the complete new tree or the list of failures.
 * The input tree is never modified.
 * @example
 * const r = applyPatchEdit({ 'a.py': 'x = 1\n' }, {
 *   schema_version: 'patch_edit.v1',
 *   operations: [{ op: 'exact_search_replace', path: 'a.py', base_fingerprint: fingerprintOf('x = 1\n'),
 *     search: 'x = 1', replace: 'x = 2', max_occurrences: 1 }],
 * });
 * r.ok && r.files['a.py'] // 'x = 2\n'
 */
export function applyPatchEdit(
  tree: FileTree,
  patch: PatchEdit | unknown,
  options: ApplyOptions = {},
): ApplyResult {
  const parsed = patchEditSchema.safeParse(patch);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    return {
      ok: false,
      conflict: false,
      operations: [],
      failures: [
        {
          index: -1,
          op: null,
          path: null,
          reason: 'INVALID_PATCH',
          message: PATCH_FAILURE_REASONS.INVALID_PATCH,
          issues,
        },
      ],
    };
  }
  const ops = parsed.data.operations;
  const failures: OperationFailure[] = [];
  const files = new Map<string, FileState>();
  const decoded = new Map<string, string | { invalidAt: number }>();

  const textOf = (path: string, raw: FileContent): string | { invalidAt: number } => {
    if (typeof raw === 'string') return raw;
    let text = decoded.get(path);
    if (text === undefined) {
      const r = decodeUtf8(raw);
      text = r.ok ? r.text : { invalidAt: r.byteOffset };
      decoded.set(path, text);
    }
    return text;
  };
  const fingerprints = new Map<string, string>();
  // Every operation on a file checks the same base: hash it once.
  const baseFingerprint = (path: string, raw: FileContent): string => {
    let fp = fingerprints.get(path);
    if (fp === undefined) fingerprints.set(path, (fp = fingerprintOf(raw)));
    return fp;
  };
  const stateOf = (path: string, base: string | undefined): FileState => {
    let s = files.get(path);
    if (!s) files.set(path, (s = { path, base, edits: [], astOps: [], deletedBy: undefined }));
    return s;
  };

  ops.forEach((op, index) => {
    const raw = contentAt(tree, op.path);
    if (op.op === 'create_file') {
      if (raw !== undefined)
        return failures.push(
          failure(index, op, 'FILE_ALREADY_EXISTS', { actualFingerprint: fingerprintOf(raw) }),
        );
      if (!isWellFormedText(op.content)) return failures.push(failure(index, op, 'INVALID_TEXT'));
      stateOf(op.path, undefined).edits.push({
        start: 0,
        end: 0,
        text: op.content,
        opIndex: index,
      });
      return;
    }
    if (raw === undefined) return failures.push(failure(index, op, 'FILE_NOT_FOUND'));
    const actual = baseFingerprint(op.path, raw);
    if (actual !== op.base_fingerprint) {
      return failures.push(
        failure(index, op, 'BASE_FINGERPRINT_MISMATCH', {
          expectedFingerprint: op.base_fingerprint,
          actualFingerprint: actual,
        }),
      );
    }
    const base = textOf(op.path, raw);
    if (typeof base !== 'string')
      return failures.push(
        failure(index, op, 'INVALID_FILE_ENCODING', { byteOffset: base.invalidAt }),
      );
    const state = stateOf(op.path, base);
    if (op.op === 'delete_file') {
      state.deletedBy = index;
      return;
    }
    if (op.op === 'exact_search_replace') {
      if (!isWellFormedText(op.replace)) return failures.push(failure(index, op, 'INVALID_TEXT'));
      const r = resolveExactSearch(base, op, index);
      if (!r.ok)
        return failures.push(
          failure(index, op, r.reason, {
            matchCount: r.matchCount,
            ...('locations' in r ? { locations: r.locations } : {}),
          }),
        );
      state.edits.push(r.edit);
      return;
    }
    const text =
      op.op === 'symbolic_replace'
        ? op.new_body
        : op.op === 'insert_after_symbol'
          ? op.content
          : '';
    if (!isWellFormedText(text)) return failures.push(failure(index, op, 'INVALID_TEXT'));
    if (!options.ast) return failures.push(failure(index, op, 'AST_UNAVAILABLE'));
    const language = options.ast.languageOf(op.path);
    if (!language) return failures.push(failure(index, op, 'UNSUPPORTED_LANGUAGE'));
    const r = resolveSymbolic(options.ast, language, base, op, index);
    if (!r.ok)
      return failures.push(
        failure(index, op, r.reason, {
          matchCount: r.matchCount,
          ...('locations' in r ? { locations: r.locations } : {}),
        }),
      );
    state.edits.push(r.edit);
    state.astOps.push(index);
  });

  const failedOps = () => new Set(failures.map((f) => f.index));
  for (const state of files.values()) {
    state.edits = mergeLineDeletions(state.base ?? '', state.edits);
    if (state.deletedBy !== undefined && state.edits.length > 0) {
      const other = state.edits.map((e) => e.opIndex).filter((i) => i !== state.deletedBy);
      const later = Math.max(state.deletedBy, ...other);
      const earlier = later === state.deletedBy ? Math.min(...other) : state.deletedBy;
      failures.push(
        failure(later, ops[later]!, 'OVERLAPPING_EDITS', { conflictingOperation: earlier }),
      );
      continue;
    }
    for (const [a, b] of findOverlaps(state.edits)) {
      const later = Math.max(a.opIndex, b.opIndex);
      failures.push(
        failure(later, ops[later]!, 'OVERLAPPING_EDITS', {
          conflictingOperation: Math.min(a.opIndex, b.opIndex),
        }),
      );
    }
  }

  const results = new Map<string, string | null>();
  const failed = failedOps();
  for (const state of files.values()) {
    const ownOps = [
      ...state.edits.flatMap((e) => e.ops ?? [e.opIndex]),
      ...(state.deletedBy === undefined ? [] : [state.deletedBy]),
    ];
    if (ownOps.some((i) => failed.has(i))) continue;
    if (state.deletedBy !== undefined) {
      results.set(state.path, null);
      continue;
    }
    const after = applyEdits(state.base ?? '', state.edits);
    if (state.astOps.length > 0 && options.ast)
      failures.push(...syntaxFailures(options.ast, state, after, ops));
    results.set(state.path, after);
  }

  if (failures.length > 0) {
    failures.sort((a, b) => a.index - b.index || a.reason.localeCompare(b.reason));
    return {
      ok: false,
      conflict: failures.some((f) => f.reason === 'BASE_FINGERPRINT_MISMATCH'),
      failures,
      operations: operationRecords(ops, new Set(failures.map((f) => f.index))),
    };
  }

  const changes: FileChange[] = [];
  for (const [path, after] of [...results].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const state = files.get(path)!;
    if (state.base === after) continue;
    const raw = contentAt(tree, path);
    changes.push({
      path,
      changeType: after === null ? 'DELETED' : state.base === undefined ? 'CREATED' : 'MODIFIED',
      baseFingerprint: raw === undefined ? null : fingerprintOf(raw),
      before: state.base ?? null,
      after,
    });
  }
  const changed = new Map(changes.map((c) => [c.path, c.after]));
  const entries: Array<[string, FileContent]> = [];
  for (const [path, content] of Object.entries(tree)) {
    const after = changed.has(path) ? changed.get(path) : content;
    if (after !== null && after !== undefined) entries.push([path, after]);
  }
  for (const c of changes) if (c.changeType === 'CREATED') entries.push([c.path, c.after!]);
  const out: FileTree = Object.fromEntries(entries);
  return { ok: true, files: out, changes, operations: operationRecords(ops, new Set()) };
}

/**
 * SYNTAX_ERROR_AFTER_EDIT for the AST operations of one file. Each operation is tried alone on
 * the base to name the one that breaks the file; when only their combination does, all of them fail.
 */
function syntaxFailures(
  ast: AstSupport,
  state: FileState,
  after: string,
  ops: readonly PatchEditOperation[],
): OperationFailure[] {
  const language = ast.languageOf(state.path)!;
  const view = parserView(after);
  const problems = ast
    .syntaxProblems(language, view.source)
    .map((p) => (p.line === 1 ? { ...p, column: p.column + view.shift } : p));
  if (problems.length === 0) return [];
  const base = state.base ?? '';
  const baseHadErrors = ast.syntaxProblems(language, parserView(base).source).length > 0;
  const culprits = state.astOps.filter((i) => {
    const alone = applyEdits(
      base,
      state.edits.filter((e) => editServes(e, i)),
    );
    return ast.syntaxProblems(language, parserView(alone).source).length > 0;
  });
  const combined = culprits.length === 0;
  return (combined ? state.astOps : culprits).map((i) =>
    failure(i, ops[i]!, 'SYNTAX_ERROR_AFTER_EDIT', {
      locations: problems.slice(0, 20),
      combined,
      baseHadErrors,
    }),
  );
}
