/**
 * @module `deepFixWorkflow` (SERVICE_ARCHITECTURE §3.3; V1-FR-TEST-003A): a child of the job's
 * workflow. Context purge: the prompt holds only the original legacy code, the tests and the
 * approved spec, no attempt history; the patch is applied to the original files.
 */
import { isCancellation } from '@temporalio/workflow';
import type { ProposalItem } from '@iama/contracts';
import type { JobEntitlement } from '../../activities/refactor-job/quota';
import type { PatchApplyOutcome } from '../../activities/refactor-job/patching';
import { apply, generation } from './activity-options';
import type { SourceFile } from './api';

export type DeepFixInput = {
  jobId: string;
  ownerId: string;
  sessionId: string;
  entitlement: JobEntitlement;
  attemptNumber: number;
  modelClass: 'L1' | 'L2' | 'L3';
  /** The user selected Deep Fix (and confirmed L3 where the tier requires it). */
  userConfirmed: boolean;
  originalFiles: SourceFile[];
  testFiles: SourceFile[];
  approvedSpec: string;
  proposal: ProposalItem | null;
};

export type DeepFixResult = {
  patchAttemptId: string | null;
  modelClass: string;
  outcome: PatchApplyOutcome | { ok: false; conflict: false; summary: string; failures: [] };
};

export async function deepFixWorkflow(input: DeepFixInput): Promise<DeepFixResult> {
  try {
    const generated = await generation.generatePatch({
      jobId: input.jobId,
      ownerId: input.ownerId,
      sessionId: input.sessionId,
      entitlement: input.entitlement,
      // Free/Plus have no Deep Fix stage: a context-reset repair on L1, no model upgrade (V1-FR-TEST-003A).
      stage: input.modelClass === 'L1' ? 'repair' : 'deep_fix',
      attemptNumber: input.attemptNumber,
      iteration: 1,
      modelClass: input.modelClass,
      userConfirmed: input.userConfirmed,
      files: input.originalFiles,
      approvedSpec: input.approvedSpec,
      testFiles: input.testFiles,
      isDeepFix: true,
    });
    const outcome = await apply.applyPatch({
      jobId: input.jobId,
      patchAttemptId: generated.patchAttemptId,
      files: input.originalFiles,
      patch: generated.patch,
    });
    return { patchAttemptId: generated.patchAttemptId, modelClass: generated.modelClass, outcome };
  } catch (err) {
    if (isCancellation(err)) throw err;
    // A refused or failed model call is a failed Deep Fix (back to WAITING_INTERVENTION), not a failed job.
    const message = err instanceof Error ? err.message : String(err);
    return {
      patchAttemptId: null,
      modelClass: input.modelClass,
      outcome: {
        ok: false,
        conflict: false,
        summary: `deep fix failed: ${message.slice(0, 200)}`,
        failures: [],
      },
    };
  }
}
