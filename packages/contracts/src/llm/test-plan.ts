/**
 * @module `test_plan` schema family (PRD V1 §11; V1-FR-TEST-001/005/006/009). Produced at the
 * `test_generation` stage, where L1 may emit whole test files (PRD V1 §11 output-cap table).
 */
import { z } from 'zod';
import { baselineModeSchema, text } from './common';
import { workspacePathSchema } from './patch-edit';

export const TEST_PLAN_SCHEMA_VERSION = 'test_plan.v1' as const;

export const testCaseSchema = z.strictObject({
  name: text(300),
  file: workspacePathSchema,
  /** Ids of the approved `bdd_items` this case proves (V1-FR-TEST-001: tests trace to the spec). */
  bdd_item_ids: z.array(text(100)).min(1),
});

export const testFileSchema = z.strictObject({
  path: workspacePathSchema,
  content: z.string().min(1),
});

/** Behaviour coverage surfaced on the Black-Box review screen (V1-FR-TEST-009 items 2-3). */
export const behaviourCoverageSchema = z
  .strictObject({
    identified_behaviour_count: z.int().nonnegative(),
    covered_behaviour_count: z.int().nonnegative(),
    uncovered_behaviours: z.array(z.strictObject({ description: text(), confidence: z.number().min(0).max(1) })),
  })
  .refine((c) => c.covered_behaviour_count <= c.identified_behaviour_count, { message: 'covered exceeds identified' });

export const testPlanSchema = z
  .strictObject({
    schema_version: z.literal(TEST_PLAN_SCHEMA_VERSION),
    baseline_mode: baselineModeSchema,
    framework: text(100),
    test_files: z.array(testFileSchema).min(1),
    test_cases: z.array(testCaseSchema).min(1),
    /** Required when `baseline_mode` is BLACK_BOX_ORCHESTRATION, `null` otherwise. */
    behaviour_coverage: behaviourCoverageSchema.nullable(),
  })
  .superRefine((plan, ctx) => {
    const files = new Set(plan.test_files.map((f) => f.path));
    if (files.size !== plan.test_files.length) ctx.addIssue({ code: 'custom', path: ['test_files'], message: 'duplicate test file path' });
    plan.test_cases.forEach((c, i) => {
      if (!files.has(c.file)) ctx.addIssue({ code: 'custom', path: ['test_cases', i, 'file'], message: 'test case refers to a file not in test_files' });
    });
    if ((plan.baseline_mode === 'BLACK_BOX_ORCHESTRATION') !== (plan.behaviour_coverage !== null)) {
      ctx.addIssue({ code: 'custom', path: ['behaviour_coverage'], message: 'behaviour_coverage is required exactly for BLACK_BOX_ORCHESTRATION' });
    }
  });
export type TestPlan = z.infer<typeof testPlanSchema>;
