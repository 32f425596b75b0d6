/**
 * @module `policy_violation` schema family (PRD V2 §10 items 2.2 and 3): the controlled denial a
 * model returns instead of its normal answer when the request breaks a policy it was given.
 */
import { z } from 'zod';
import { reasonCodeSchema, text } from './common';
import { workspacePathSchema } from './patch-edit';

export const POLICY_VIOLATION_SCHEMA_VERSION = 'policy_violation.v1' as const;

/** The three kinds of policy context a prompt carries (PRD V2 §10 item 3). */
export const POLICY_SCOPES = ['TIER_ENTITLEMENT', 'REPOSITORY_CONSTRAINT', 'ORGANIZATION_SAFETY'] as const;

export const policyViolationSchema = z.strictObject({
  schema_version: z.literal(POLICY_VIOLATION_SCHEMA_VERSION),
  violations: z
    .array(
      z.strictObject({
        policy_scope: z.enum(POLICY_SCOPES),
        reason_code: reasonCodeSchema,
        detail: text(1000),
        paths: z.array(workspacePathSchema),
      }),
    )
    .min(1),
});
export type PolicyViolation = z.infer<typeof policyViolationSchema>;
