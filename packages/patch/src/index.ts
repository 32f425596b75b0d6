/**
 * @module Public entry point of `@iama/patch`: the `patch_edit` apply engine, base fingerprints,
 * the delivery diff with stable hunk ids, partial acceptance, the reverse patch and drift
 * detection (issue #3; V1-FR-JOB-006, V1-FR-DEL-004, V1-FR-DEL-005, V1-FR-DEL-007).
 */
export {
  applyPatchEdit,
  type ApplyOptions,
  type ApplyResult,
  type OperationFailure,
} from './apply-patch';
export {
  acceptDelivery,
  applyHunks,
  type AcceptResult,
  type DeliveryFailure,
  type DeliverySelection,
} from './accept';
export {
  buildDelivery,
  deliveryFileOf,
  toFileDiff,
  unifiedDelivery,
  type DeliveryFile,
} from './diff/delivery';
export {
  buildHunks,
  CONTEXT_LINES,
  hunkIdOf,
  unifiedDiff,
  type Hunk,
  type HunkLine,
} from './diff/hunks';
export { diffLines, type ChangeRegion } from './diff/myers';
export { detectDrift, type Drift } from './drift';
export {
  contentAt,
  snapshotOf,
  type FileChange,
  type FileContent,
  type FileTree,
} from './file-tree';
export { anchorFingerprint, fingerprintOf, sha256Hex } from './fingerprint';
export { loadAstSupport } from './ops/syntax-support';
export {
  AST_EDIT_LANGUAGES,
  type AstEditLanguage,
  type AstSupport,
  type SymbolRange,
} from './ops/ast-support';
export { operationRecords, type OperationRecord } from './operation-records';
export {
  DELIVERY_FAILURE_REASONS,
  PATCH_FAILURE_REASONS,
  type DeliveryFailureReason,
  type PatchFailureReason,
  type SourceLocation,
} from './reasons';
export {
  applyReversePatch,
  reversePatchOf,
  type ReverseFile,
  type ReversePatch,
  type RevertResult,
} from './reverse';
export { decodeUtf8, isWellFormedText } from './text/decode';
export { dominantEol, splitLines } from './text/lines';
