/**
 * @module The `patch_edit` schema family (AGENT_DEVELOPMENT_GUIDE §4.1; PRD V1 §11 items 14-15,
 * V1-FR-DEL-004; PRD V2 §10 item 7): position-independent edit operations, the only apply
 * authority for code changes. Line-number diffs are never accepted (guide §4.2).
 */
import { z } from 'zod';

/** Bumped on any breaking change to the operation shapes (PRD V1 §11 item 2). */
export const PATCH_EDIT_SCHEMA_VERSION = 'patch_edit.v1' as const;

/**
 * Base-file fingerprint: SHA-256 of the file's raw bytes, lower-case hex, `sha256:` prefixed.
 * Fixed here so the context manifest, the router and the patch engine agree on one format;
 * computing it is left to the callers (this package stays free of Node built-ins).
 */
export const FINGERPRINT_PATTERN = /^sha256:[0-9a-f]{64}$/;
export const fingerprintSchema = z.string().regex(FINGERPRINT_PATTERN, 'expected sha256:<64 lower-case hex>');
export type Fingerprint = z.infer<typeof fingerprintSchema>;

/**
 * Workspace-relative POSIX path. Absolute paths, `..` segments and backslashes are refused so
 * that no operation can address a file outside the job's shadow tree.
 */
export const workspacePathSchema = z
  .string()
  .min(1)
  .max(1024)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !/^[A-Za-z]:/.test(p), 'path must be workspace-relative POSIX')
  .refine((p) => p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..'), 'path must not contain empty, "." or ".." segments');

/**
 * Qualified symbol name, e.g. `OrderService.total` — the AST node identifier that anchors a
 * symbolic edit (PRD V1 §11 item 14; the "symbol resolution rate" of PRD V1 §5.1 counts these).
 */
export const symbolNameSchema = z.string().min(1).max(512).regex(/^\S+$/, 'symbol must not contain whitespace');

/**
 * `base_fingerprint` and `path` on every operation are the additions item 14 requires (recorded
 * in docs/api/ADDITIONS.md, "LLM schema"). The symbol (AST ops) or the search block (exact
 * ops) is the apply anchor itself; see {@link applyAnchorOf} for the stored form.
 */
const targetsExistingFile = {
  path: workspacePathSchema,
  base_fingerprint: fingerprintSchema,
};

/** Replaces the whole definition node of `symbol` (signature included) with `new_body`. */
export const symbolicReplaceOpSchema = z.strictObject({
  op: z.literal('symbolic_replace'),
  ...targetsExistingFile,
  symbol: symbolNameSchema,
  new_body: z.string().min(1),
});

/** Inserts `content` immediately after the definition node of `symbol`. */
export const insertAfterSymbolOpSchema = z.strictObject({
  op: z.literal('insert_after_symbol'),
  ...targetsExistingFile,
  symbol: symbolNameSchema,
  content: z.string().min(1),
});

/** Removes the definition node of `symbol`. */
export const deleteSymbolOpSchema = z.strictObject({
  op: z.literal('delete_symbol'),
  ...targetsExistingFile,
  symbol: symbolNameSchema,
});

/**
 * Replaces the single exact occurrence of `search`. `max_occurrences` is pinned to 1 by §4.1:
 * an ambiguous block must fail to apply rather than edit the wrong place.
 */
export const exactSearchReplaceOpSchema = z.strictObject({
  op: z.literal('exact_search_replace'),
  ...targetsExistingFile,
  search: z.string().min(1),
  replace: z.string(),
  max_occurrences: z.literal(1),
});

/**
 * Creates a new file. `base_fingerprint: null` asserts the file does not exist yet: creating
 * over an existing file is a forbidden whole-file replacement (guide §4.2, §9.3).
 */
export const createFileOpSchema = z.strictObject({
  op: z.literal('create_file'),
  path: workspacePathSchema,
  base_fingerprint: z.null(),
  content: z.string(),
});

/** Deletes a file whose current content must match `base_fingerprint`. */
export const deleteFileOpSchema = z.strictObject({
  op: z.literal('delete_file'),
  ...targetsExistingFile,
});

export const patchEditOperationSchema = z.discriminatedUnion('op', [
  symbolicReplaceOpSchema,
  exactSearchReplaceOpSchema,
  insertAfterSymbolOpSchema,
  deleteSymbolOpSchema,
  createFileOpSchema,
  deleteFileOpSchema,
]);

export type SymbolicReplaceOp = z.infer<typeof symbolicReplaceOpSchema>;
export type InsertAfterSymbolOp = z.infer<typeof insertAfterSymbolOpSchema>;
export type DeleteSymbolOp = z.infer<typeof deleteSymbolOpSchema>;
export type ExactSearchReplaceOp = z.infer<typeof exactSearchReplaceOpSchema>;
export type CreateFileOp = z.infer<typeof createFileOpSchema>;
export type DeleteFileOp = z.infer<typeof deleteFileOpSchema>;
export type PatchEditOperation = z.infer<typeof patchEditOperationSchema>;
export type PatchEditOpKind = PatchEditOperation['op'];

export const PATCH_EDIT_OP_KINDS = [
  'symbolic_replace',
  'exact_search_replace',
  'insert_after_symbol',
  'delete_symbol',
  'create_file',
  'delete_file',
] as const satisfies readonly PatchEditOpKind[];

/** `patch_edit_operations.edit_type` values (DB_SCHEMA §5). */
export const EDIT_MODES = ['AST_SYMBOLIC', 'EXACT_SEARCH_REPLACE'] as const;
export type EditMode = (typeof EDIT_MODES)[number];

/**
 * Edit mode of each operation kind. Whole-file create/delete need no parser, so they count as
 * string-level operations and stay available to jobs restricted to EXACT_SEARCH_REPLACE
 * (PRD V1 §5.1, confidence < 20).
 */
export const EDIT_MODE_BY_OP: Readonly<Record<PatchEditOpKind, EditMode>> = Object.freeze({
  symbolic_replace: 'AST_SYMBOLIC',
  insert_after_symbol: 'AST_SYMBOLIC',
  delete_symbol: 'AST_SYMBOLIC',
  exact_search_replace: 'EXACT_SEARCH_REPLACE',
  create_file: 'EXACT_SEARCH_REPLACE',
  delete_file: 'EXACT_SEARCH_REPLACE',
});

/**
 * The `edit_type` to persist for an operation.
 * @example editModeOf({ op: 'delete_symbol', path: 'a.ts', base_fingerprint: fp, symbol: 'f' }) // 'AST_SYMBOLIC'
 */
export function editModeOf(op: Pick<PatchEditOperation, 'op'>): EditMode {
  return EDIT_MODE_BY_OP[op.op];
}

/**
 * The stored `apply_anchor` (DB_SCHEMA §5: "AST node id or search-block fingerprint"). The hash
 * is injected so this stays pure; callers pass the same SHA-256 helper they use for files.
 * Search text itself is never stored, only its fingerprint.
 * @example applyAnchorOf(op, sha256Hex) // 'ast:src/a.ts#Order.total' | 'search:sha256:…' | 'file:src/new.ts'
 */
export function applyAnchorOf(op: PatchEditOperation, fingerprint: (text: string) => string): string {
  switch (op.op) {
    case 'symbolic_replace':
    case 'insert_after_symbol':
    case 'delete_symbol':
      return `ast:${op.path}#${op.symbol}`;
    case 'exact_search_replace':
      return `search:${fingerprint(op.search)}`;
    case 'create_file':
    case 'delete_file':
      return `file:${op.path}`;
  }
}

/**
 * One model answer of the `patch_edit` family (also the only shape L2/L3 may answer in, PRD V1
 * §11 table). Operation order is the apply order (guide §4.4, `patch_edit_operations` sequence).
 * Cross-operation rules enforced here: no two `exact_search_replace` with the same search block
 * on the same file (guide §4.2); no edit of a file the same patch creates or deletes earlier.
 */
export const patchEditSchema = z
  .strictObject({
    schema_version: z.literal(PATCH_EDIT_SCHEMA_VERSION),
    operations: z.array(patchEditOperationSchema).min(1),
  })
  .superRefine((patch, ctx) => {
    const searches = new Set<string>();
    const wholeFileTouched = new Set<string>();
    patch.operations.forEach((op, i) => {
      if (wholeFileTouched.has(op.path)) {
        ctx.addIssue({ code: 'custom', path: ['operations', i], message: `${op.path} was already created or deleted earlier in this patch` });
      }
      if (op.op === 'create_file' || op.op === 'delete_file') wholeFileTouched.add(op.path);
      if (op.op === 'exact_search_replace') {
        const key = `${op.path}\u0000${op.search}`;
        if (searches.has(key)) {
          ctx.addIssue({ code: 'custom', path: ['operations', i, 'search'], message: 'duplicate exact_search_replace search block on the same file; use symbolic_replace' });
        }
        searches.add(key);
      }
    });
  });
export type PatchEdit = z.infer<typeof patchEditSchema>;

/**
 * Operations a job may use under its edit mode: AST-symbolic jobs may use everything, jobs
 * forced to EXACT_SEARCH_REPLACE (PRD V1 §5.1, confidence < 20) only string-level kinds.
 * @example disallowedOps(patch, 'EXACT_SEARCH_REPLACE') // indexes of AST operations
 */
export function disallowedOps(patch: PatchEdit, jobMode: EditMode): number[] {
  if (jobMode === 'AST_SYMBOLIC') return [];
  return patch.operations.flatMap((op, i) => (editModeOf(op) === 'AST_SYMBOLIC' ? [i] : []));
}
