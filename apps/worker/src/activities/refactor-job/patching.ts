/**
 * @module Refactor and repair generation as `patch_edit` operations (PRD V1 §11 items 13-15) and
 * their application to the job's shadow file tree (ARCHITECTURE D5) with `@iama/patch`:
 * `patch_attempts` once per attempt (invariant 22), one `patch_edit_operations` row per operation.
 */
import type { PatchEdit } from '@iama/contracts';
import { applyPatchEdit, fingerprintOf } from '@iama/patch';
import type { RefactorJobDeps } from './deps';
import { callModel, type ModelCallArgs } from './model-call';
import type { SourceFile } from '../../workflows/refactor-job/api';

export type GeneratePatchArgs = ModelCallArgs & {
  files: SourceFile[];
  approvedSpec: string;
  testFiles: SourceFile[];
  /** Failing tests of the last run (fresh prompt segment); absent for the first refactor. */
  errorOutput?: string;
  /** Deep Fix: original code, original tests and spec only, no attempt history (V1-FR-TEST-003A). */
  isDeepFix?: boolean;
};

export type PatchApplyOutcome =
  | { ok: true; files: SourceFile[]; summary: string; changedPaths: string[] }
  | {
      ok: false;
      conflict: boolean;
      summary: string;
      failures: { reason: string; path: string | null; index: number }[];
    };

const withFingerprints = (files: readonly SourceFile[]) =>
  files
    .map((f) => `--- ${f.path} (base_fingerprint ${fingerprintOf(f.content)})\n${f.content}`)
    .join('\n');

export function createPatchingActivities(deps: RefactorJobDeps) {
  const { db } = deps;
  return {
    /** One model call for the attempt; records the `patch_attempts` row (idempotent per attempt). */
    async generatePatch(
      args: GeneratePatchArgs,
    ): Promise<{ patchAttemptId: string; patch: PatchEdit; modelClass: string; phase: number }> {
      const { output, record } = await callModel(deps, args, 'patch_edit', {
        approvedSpec: args.approvedSpec,
        testSpec: args.testFiles.map((f) => `--- ${f.path}\n${f.content}`).join('\n'),
        task: [
          args.isDeepFix
            ? 'Deep Fix: re-derive the change from first principles using only the original code, the tests and the spec.'
            : args.errorOutput
              ? 'Repair the refactored code so the tests pass again; keep behaviour identical to the spec.'
              : 'Refactor the code per the selected strategy without changing behaviour.',
          'Answer with patch_edit operations carrying each file base_fingerprint as given.',
          withFingerprints(args.files),
        ].join('\n'),
        ...(args.errorOutput ? { errorOutput: args.errorOutput } : {}),
      });
      const modelClass = record.modelClass ?? args.modelClass ?? 'L1';
      const phase = record.phase ?? 1;
      await db
        .insertInto('patch_attempts')
        .values({
          job_id: args.jobId,
          attempt_number: args.attemptNumber,
          phase,
          model_class: modelClass,
          is_deep_fix: args.isDeepFix === true,
        })
        .onConflict((oc) => oc.columns(['job_id', 'attempt_number']).doNothing())
        .execute();
      const row = await db
        .selectFrom('patch_attempts')
        .select('id')
        .where('job_id', '=', args.jobId)
        .where('attempt_number', '=', args.attemptNumber)
        .executeTakeFirstOrThrow();
      return { patchAttemptId: row.id, patch: output, modelClass, phase };
    },

    /** Applies the patch to the shadow tree; the tree itself lives in workflow state (decisions.md). */
    async applyPatch(args: {
      jobId: string;
      patchAttemptId: string;
      files: SourceFile[];
      patch: PatchEdit;
    }): Promise<PatchApplyOutcome> {
      const tree = Object.fromEntries(args.files.map((f) => [f.path, f.content]));
      const result = applyPatchEdit(tree, args.patch, deps.ast ? { ast: deps.ast } : {});
      const summary = result.ok
        ? `${args.patch.operations.length} operation(s) applied to ${result.changes.length} file(s)`
        : `${result.failures.length} operation(s) failed: ${[...new Set(result.failures.map((f) => f.reason))].join(', ')}`;
      await db.transaction().execute(async (trx) => {
        const already = await trx
          .selectFrom('patch_edit_operations')
          .select('id')
          .where('patch_attempt_id', '=', args.patchAttemptId)
          .executeTakeFirst();
        if (!already && result.operations.length > 0) {
          await trx
            .insertInto('patch_edit_operations')
            .values(
              result.operations.map((o) => ({
                job_id: args.jobId,
                patch_attempt_id: args.patchAttemptId,
                edit_type: o.edit_type,
                target_file: o.target_file,
                target_file_fingerprint: o.target_file_fingerprint,
                apply_anchor: o.apply_anchor,
                apply_outcome: o.apply_outcome,
              })),
            )
            .execute();
        }
        await trx
          .updateTable('patch_attempts')
          .set({ outcome: result.ok ? 'APPLIED' : 'FAILED', patch_summary: summary })
          .where('id', '=', args.patchAttemptId)
          .execute();
      });
      if (!result.ok) {
        return {
          ok: false,
          conflict: result.conflict,
          summary,
          failures: result.failures.map((f) => ({
            reason: f.reason,
            path: f.path,
            index: f.index,
          })),
        };
      }
      const files = Object.entries(result.files).map(([path, content]) => ({
        path,
        content: typeof content === 'string' ? content : Buffer.from(content).toString('utf8'),
      }));
      return { ok: true, files, summary, changedPaths: result.changes.map((c) => c.path) };
    },

    /** Links the patch attempt to the test run that judged it (evidence surface, V1-FR-TEST-004). */
    async linkPatchToTestRun(args: { patchAttemptId: string; testRunId: string }): Promise<void> {
      await db
        .updateTable('patch_attempts')
        .set({ test_run_id: args.testRunId })
        .where('id', '=', args.patchAttemptId)
        .execute();
    },
  };
}
