/**
 * @module The data of `patch_edit_operations` rows (DB_SCHEMA §5; AGENT_DEVELOPMENT_GUIDE §4.4):
 * one per operation, in apply order, with edit type, target file, base fingerprint, apply
 * anchor and outcome. The caller adds `job_id` and `patch_attempt_id`.
 */
import {
  applyAnchorOf,
  editModeOf,
  type EditMode,
  type Fingerprint,
  type PatchEditOperation,
} from '@iama/contracts';
import { anchorFingerprint, fingerprintOf } from './fingerprint';

export type OperationRecord = {
  /** 1-based apply order (guide §4.4: the edit set is rebuilt in sequence order). */
  sequence: number;
  edit_type: EditMode;
  target_file: string;
  target_file_fingerprint: Fingerprint;
  apply_anchor: string;
  apply_outcome: 'SUCCESS' | 'FAILED' | 'SKIPPED';
};

/** `create_file` has no base; the column is NOT NULL, so it records the empty content's hash (decision 7). */
const ABSENT_BASE = fingerprintOf('');

/**
 * Rows for every operation: failed ones FAILED, the rest SUCCESS when the patch applied, or
 * SKIPPED when another operation's failure stopped the whole patch.
 * @example operationRecords(ops, new Set([2]))[0].apply_outcome // 'SKIPPED'
 */
export function operationRecords(
  ops: readonly PatchEditOperation[],
  failed: ReadonlySet<number>,
): OperationRecord[] {
  return ops.map((op, i) => ({
    sequence: i + 1,
    edit_type: editModeOf(op),
    target_file: op.path,
    target_file_fingerprint: op.base_fingerprint ?? ABSENT_BASE,
    apply_anchor: applyAnchorOf(op, anchorFingerprint),
    apply_outcome: failed.has(i) ? 'FAILED' : failed.size > 0 ? 'SKIPPED' : 'SUCCESS',
  }));
}
