/**
 * @module Machine-readable reasons an operation fails to apply (V1-FR-JOB-006, V1-FR-DEL-004).
 * Each code carries one sentence of guidance for the repair prompt or the conflict prompt. A
 * failure of any operation means no file of that patch changes.
 */

export const PATCH_FAILURE_REASONS = {
  INVALID_PATCH: 'The document does not match patch_edit_schema; regenerate it against the schema.',
  BASE_FINGERPRINT_MISMATCH:
    'The file changed since the base snapshot; the patch was generated against other content and must be regenerated (conflict).',
  FILE_NOT_FOUND: 'The operation targets a file that does not exist in the base tree.',
  FILE_ALREADY_EXISTS: 'create_file targets a path that already exists; edit the file instead.',
  INVALID_FILE_ENCODING: 'The base file is not valid UTF-8 and cannot be edited as text.',
  INVALID_TEXT: 'The new text holds lone UTF-16 surrogates and cannot be written as UTF-8.',
  SEARCH_NOT_FOUND:
    'The search block does not occur in the base file; copy it exactly from the file.',
  SEARCH_AMBIGUOUS:
    'The search block occurs more than once; extend it until it is unique, or use a symbolic operation.',
  UNSUPPORTED_LANGUAGE:
    'AST-symbolic operations exist only for TypeScript, JavaScript and Python; use exact_search_replace.',
  AST_UNAVAILABLE:
    'The Tree-sitter runtime was not supplied to the engine, so symbolic operations cannot be resolved.',
  SYMBOL_NOT_FOUND: 'No definition with this qualified name exists in the base file.',
  SYMBOL_AMBIGUOUS:
    'More than one definition has this qualified name; use exact_search_replace on the intended one.',
  SYNTAX_ERROR_AFTER_EDIT: 'The edited file no longer parses; the operation would break the file.',
  OVERLAPPING_EDITS: 'Two operations of this patch change the same region of the base file.',
} as const;

export type PatchFailureReason = keyof typeof PATCH_FAILURE_REASONS;

/** Where a search block or symbol was found, 1-based, for the failure report. */
export type SourceLocation = { line: number; column: number };

/** Why accepting (part of) a delivery or reverting it is refused; nothing is written then. */
export const DELIVERY_FAILURE_REASONS = {
  WORKSPACE_CHANGED:
    'The workspace file differs from the base the delivery was built on (or, for a created file, now exists); re-run or resolve the conflict first.',
  UNKNOWN_FILE: 'The selection names a file that is not part of the delivery.',
  UNKNOWN_HUNK: 'The selection names a hunk id that is not part of this file of the delivery.',
  PARTIAL_WHOLE_FILE_CHANGE: 'A created or deleted file can only be accepted whole.',
} as const;

export type DeliveryFailureReason = keyof typeof DELIVERY_FAILURE_REASONS;
