/**
 * @module `failure_analysis` schema family (PRD V1 §11; V1-FR-TEST-003/004/008, V1-FR-DEL-002).
 * The model explains a failed run; it does not compute the failure fingerprint — the worker
 * derives that from test names + error class + location (V1-FR-TEST-003) so that "identical"
 * never depends on model wording.
 */
import { z } from 'zod';
import { TEST_FAILURE_CLASSES, text } from './common';
import { symbolNameSchema, workspacePathSchema } from './patch-edit';

export const FAILURE_ANALYSIS_SCHEMA_VERSION = 'failure_analysis.v1' as const;

export const failingTestSchema = z.strictObject({
  test_name: text(300),
  error_class: text(200),
  /** `file:line` or symbol of the failing assertion — one input of the fingerprint. */
  location: text(500),
  error_excerpt: text(2000),
});

export const failureAnalysisSchema = z.strictObject({
  schema_version: z.literal(FAILURE_ANALYSIS_SCHEMA_VERSION),
  failure_class: z.enum(TEST_FAILURE_CLASSES),
  failing_tests: z.array(failingTestSchema).min(1),
  root_cause: text(2000),
  suspected_targets: z.array(z.strictObject({ path: workspacePathSchema, symbol: symbolNameSchema.nullable() })),
  /** True when the test, not the code, looks wrong — routes the user to "Edit spec" (V1-FR-DEL-002). */
  spec_suspected: z.boolean(),
  repair_hint: text(2000),
});
export type FailureAnalysis = z.infer<typeof failureAnalysisSchema>;
