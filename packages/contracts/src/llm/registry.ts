/**
 * @module Registry of every LLM schema family (PRD V1 §11 "required schema families", PRD V2 §10
 * item 2): version, zod schema, the model classes allowed to answer in it, and the JSON Schema
 * sent as `response_format` (PRD V1 §11 item 6).
 */
import { z } from 'zod';
import type { ModelClass } from '../tiers/model-class';
import { FAILURE_ANALYSIS_SCHEMA_VERSION, failureAnalysisSchema } from './failure-analysis';
import { PATCH_EDIT_SCHEMA_VERSION, patchEditSchema } from './patch-edit';
import { PATCH_PLAN_SCHEMA_VERSION, patchPlanSchema } from './patch-plan';
import { POLICY_VIOLATION_SCHEMA_VERSION, policyViolationSchema } from './policy-violation';
import { PROPOSAL_SCHEMA_VERSION, proposalSchema } from './proposal';
import { REPO_SCOPE_SCHEMA_VERSION, repoScopeSchema } from './repo-scope';
import { BDD_SCHEMA_VERSION, SDD_SCHEMA_VERSION, bddSchema, sddSchema } from './spec';
import { TEST_PLAN_SCHEMA_VERSION, testPlanSchema } from './test-plan';

type FamilyEntry = {
  version: string;
  schema: z.ZodType;
  /**
   * Which model classes may answer in this family. L2/L3 are `patch_edit_schema` ONLY at their
   * stages (PRD V1 §11 table); the stated exceptions are L2 for BDD/SDD natural-language
   * interpretation (V1-FR-ROUTE-002, `spec/nl-convert`) and the controlled denial, which any
   * model may return instead of its answer (PRD V2 §10 item 2.2).
   */
  modelClasses: readonly ModelClass[];
  /** Version of the spec the family belongs to. */
  since: 'V1' | 'V2';
};

export const LLM_SCHEMA_FAMILIES = Object.freeze({
  proposal: { version: PROPOSAL_SCHEMA_VERSION, schema: proposalSchema, modelClasses: ['L1'], since: 'V1' },
  bdd: { version: BDD_SCHEMA_VERSION, schema: bddSchema, modelClasses: ['L1', 'L2'], since: 'V1' },
  sdd: { version: SDD_SCHEMA_VERSION, schema: sddSchema, modelClasses: ['L1', 'L2'], since: 'V1' },
  test_plan: { version: TEST_PLAN_SCHEMA_VERSION, schema: testPlanSchema, modelClasses: ['L1'], since: 'V1' },
  patch_plan: { version: PATCH_PLAN_SCHEMA_VERSION, schema: patchPlanSchema, modelClasses: ['L1'], since: 'V1' },
  failure_analysis: { version: FAILURE_ANALYSIS_SCHEMA_VERSION, schema: failureAnalysisSchema, modelClasses: ['L1'], since: 'V1' },
  patch_edit: { version: PATCH_EDIT_SCHEMA_VERSION, schema: patchEditSchema, modelClasses: ['L1', 'L2', 'L3'], since: 'V1' },
  repo_scope: { version: REPO_SCOPE_SCHEMA_VERSION, schema: repoScopeSchema, modelClasses: ['L1'], since: 'V2' },
  policy_violation: { version: POLICY_VIOLATION_SCHEMA_VERSION, schema: policyViolationSchema, modelClasses: ['L1', 'L2', 'L3'], since: 'V2' },
} as const satisfies Record<string, FamilyEntry>);

export type LlmSchemaFamily = keyof typeof LLM_SCHEMA_FAMILIES;
export const LLM_SCHEMA_FAMILY_NAMES = Object.keys(LLM_SCHEMA_FAMILIES) as LlmSchemaFamily[];

/** The parsed answer type of a family. */
export type LlmOutput<F extends LlmSchemaFamily> = z.infer<(typeof LLM_SCHEMA_FAMILIES)[F]['schema']>;

/**
 * Whether `modelClass` may be asked to answer in `family`.
 * @example isModelClassAllowed('proposal', 'L3') // false
 */
export function isModelClassAllowed(family: LlmSchemaFamily, modelClass: ModelClass): boolean {
  return (LLM_SCHEMA_FAMILIES[family].modelClasses as readonly ModelClass[]).includes(modelClass);
}

/**
 * Validates a (JSON-parsed) model answer against its family (PRD V1 §11 items 3, 5).
 * @example parseLlmOutput('bdd', JSON.parse(raw)) // { success: true, data } | { success: false, error }
 */
export function parseLlmOutput<F extends LlmSchemaFamily>(family: F, value: unknown): z.ZodSafeParseResult<LlmOutput<F>> {
  return LLM_SCHEMA_FAMILIES[family].schema.safeParse(value) as z.ZodSafeParseResult<LlmOutput<F>>;
}

/**
 * JSON Schema of a family for the provider's structured-output control. Cross-field rules
 * (`refine`) are not expressible there and are enforced by {@link parseLlmOutput} afterwards.
 * @example toJsonSchema('patch_edit').properties.operations
 */
export function toJsonSchema(family: LlmSchemaFamily): Record<string, unknown> {
  return z.toJSONSchema(LLM_SCHEMA_FAMILIES[family].schema, { unrepresentable: 'any' }) as Record<string, unknown>;
}

/**
 * OpenAI-compatible `response_format` for a chat-completions request (V1-FR-ROUTE-001).
 * @example responseFormat('proposal') // { type: 'json_schema', json_schema: { name: 'proposal_v1', ... } }
 */
export function responseFormat(family: LlmSchemaFamily) {
  return {
    type: 'json_schema' as const,
    json_schema: { name: LLM_SCHEMA_FAMILIES[family].version.replace('.', '_'), schema: toJsonSchema(family), strict: false },
  };
}
