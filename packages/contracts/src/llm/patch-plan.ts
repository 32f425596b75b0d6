/**
 * @module `patch_plan` schema family (PRD V1 §11): what a refactor or repair attempt intends to
 * change, before the `patch_edit` operations are generated. `summary` becomes
 * `patch_attempts.patch_summary` (DB_SCHEMA §5), the "last attempted patch summary" of the
 * fallback evidence (V1-FR-TEST-004, V1-FR-DEL-002).
 */
import { z } from 'zod';
import { text } from './common';
import { EDIT_MODES, symbolNameSchema, workspacePathSchema } from './patch-edit';

export const PATCH_PLAN_SCHEMA_VERSION = 'patch_plan.v1' as const;

export const patchPlanStepSchema = z.strictObject({
  path: workspacePathSchema,
  /** The anchor the step will edit; `null` for whole-file create/delete. */
  symbol: symbolNameSchema.nullable(),
  edit_mode: z.enum(EDIT_MODES),
  intent: text(1000),
});

export const patchPlanSchema = z.strictObject({
  schema_version: z.literal(PATCH_PLAN_SCHEMA_VERSION),
  summary: text(2000),
  steps: z.array(patchPlanStepSchema).min(1),
  /** Behaviour the plan might change despite the spec, for the Complexity Warning (V1-FR-DEL-006). */
  risk_notes: z.array(text(1000)),
});
export type PatchPlan = z.infer<typeof patchPlanSchema>;
