/**
 * @module Delivery, revert, fallback evidence and intervention endpoints of API_CONTRACT §4
 * (V1-FR-DEL-001..008, V1-FR-TEST-003/003A/004). Delivery files are full files built in the
 * server's shadow tree (ARCHITECTURE D5); the client never applies offsets.
 */
import { z } from 'zod';
import {
  baselineModeApiSchema,
  failedTestSchema,
  fileDiffSchema,
  isoDateTime,
  jobIdParamsSchema,
  uuid,
} from './common';
import { workspacePathSchema } from '../llm/patch-edit';
import { defineEndpoint } from './endpoint';

export const deliveryResponseSchema = z.strictObject({
  diff_files: z.array(fileDiffSchema),
  patch_artifact_url: z.string().min(1),
  artifact_expires_at: isoDateTime(),
  baseline_mode_used: baselineModeApiSchema,
  baseline_risk_note: z.string().nullable(),
  can_revert: z.boolean(),
});
export type DeliveryResponse = z.infer<typeof deliveryResponseSchema>;

export const applyDeliveryRequestSchema = z
  .strictObject({
    accept_all: z.boolean(),
    accepted_files: z.array(z.string().min(1)).optional(),
    accepted_hunks: z
      .array(
        z.strictObject({ file: z.string().min(1), hunk_ids: z.array(z.string().min(1)).min(1) }),
      )
      .optional(),
  })
  .refine(
    (b) => b.accept_all || (b.accepted_files?.length ?? 0) + (b.accepted_hunks?.length ?? 0) > 0,
    {
      message: 'without accept_all, accepted_files or accepted_hunks must name something',
      path: ['accepted_files'],
    },
  );
export type ApplyDeliveryRequest = z.infer<typeof applyDeliveryRequestSchema>;
export const applyDeliveryResponseSchema = z.strictObject({
  applied_files: z.array(z.string()),
  skipped_files: z.array(z.string()),
  revert_available_until: isoDateTime().nullable(),
});
export type ApplyDeliveryResponse = z.infer<typeof applyDeliveryResponseSchema>;

export const revertDeliveryResponseSchema = z.strictObject({ reverted: z.literal(true) });
export type RevertDeliveryResponse = z.infer<typeof revertDeliveryResponseSchema>;

/** V1-FR-DEL-002 action buttons; Deep Fix always needs the confirmation dialog first. */
export const FALLBACK_ACTION_TYPES = [
  'DEEP_FIX',
  'INTERVENE',
  'RETRY_STRONGER_MODEL',
  'EDIT_SPEC',
  'DOWNLOAD_PARTIAL',
  'REPORT_ISSUE',
] as const;
export const fallbackActionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('DEEP_FIX'), requires_confirmation: z.literal(true) }),
  ...FALLBACK_ACTION_TYPES.filter((t) => t !== 'DEEP_FIX').map((t) =>
    z.strictObject({ type: z.literal(t) }),
  ),
] as [z.ZodObject, ...z.ZodObject[]]);
export type FallbackAction =
  | { type: 'DEEP_FIX'; requires_confirmation: true }
  | { type: Exclude<(typeof FALLBACK_ACTION_TYPES)[number], 'DEEP_FIX'> };

export const fallbackResponseSchema = z.strictObject({
  failed_tests: z.array(failedTestSchema),
  error_excerpts: z.array(z.string().max(4000)),
  failure_pattern_fingerprint: z.string(),
  identical_failure_count: z.int().nonnegative(),
  last_patch_summary: z.string(),
  partial_artifact_url: z.string().min(1).nullable(),
  available_actions: z.array(fallbackActionSchema),
});
export type FallbackResponse = Omit<z.infer<typeof fallbackResponseSchema>, 'available_actions'> & {
  available_actions: FallbackAction[];
};

export const deepFixResponseSchema = z.strictObject({
  job_id: uuid(),
  status: z.literal('DEEP_FIX_ACTIVE'),
  context_reset: z.literal(true),
  model_upgraded: z.boolean(),
  new_attempt_counter: z.literal(0),
});
export type DeepFixResponse = z.infer<typeof deepFixResponseSchema>;

export const interventionCommandRequestSchema = z.strictObject({
  command: z.string().trim().min(1).max(4000),
});
export type InterventionCommandRequest = z.infer<typeof interventionCommandRequestSchema>;
export const interventionCommandResponseSchema = z.strictObject({
  command_id: z.string().min(1),
  status: z.literal('USER_INTERVENING'),
});
export type InterventionCommandResponse = z.infer<typeof interventionCommandResponseSchema>;

/**
 * D6 addition (docs/api/ADDITIONS.md): the files the user edited by hand in USER_INTERVENING, so
 * the server's shadow tree matches what the client will test (ARCHITECTURE D5). No body: no edits.
 */
export const interventionRunTestsRequestSchema = z
  .strictObject({
    files: z
      .array(z.strictObject({ path: workspacePathSchema, content: z.string().max(2_000_000) }))
      .max(500),
  })
  .optional();
export type InterventionRunTestsRequest = z.infer<typeof interventionRunTestsRequestSchema>;

export const interventionRunTestsResponseSchema = z.strictObject({
  test_run_id: uuid(),
  status: z.literal('RUNNING'),
});
export type InterventionRunTestsResponse = z.infer<typeof interventionRunTestsResponseSchema>;

const jobParams = { params: jobIdParamsSchema };

export const jobDeliveryEndpoints = [
  defineEndpoint({
    id: 'jobs.delivery',
    method: 'GET',
    path: '/api/v1/jobs/:job_id/delivery',
    auth: 'user',
    summary: 'Delivery artifact of a DELIVERED job',
    source: 'API_CONTRACT §4',
    requirementIds: ['V1-FR-DEL-001', 'V1-FR-DEL-004', 'V1-FR-DEL-008', 'V1-FR-TEST-007'],
    request: jobParams,
    responses: { 200: deliveryResponseSchema },
    errors: ['JOB_STATE_CONFLICT'],
  }),
  defineEndpoint({
    id: 'jobs.applyDelivery',
    method: 'POST',
    path: '/api/v1/jobs/:job_id/delivery/apply',
    auth: 'user',
    summary: 'Accept all or part of the delivery',
    source: 'API_CONTRACT §4',
    requirementIds: ['V1-FR-DEL-005', 'V1-FR-JOB-005', 'V1-FR-JOB-006'],
    request: { ...jobParams, body: applyDeliveryRequestSchema },
    responses: { 200: applyDeliveryResponseSchema },
    errors: ['JOB_STATE_CONFLICT'],
  }),
  defineEndpoint({
    id: 'jobs.revertDelivery',
    method: 'POST',
    path: '/api/v1/jobs/:job_id/delivery/revert',
    auth: 'user',
    summary: 'Revert an applied delivery',
    source: 'API_CONTRACT §4',
    requirementIds: ['V1-FR-DEL-007'],
    request: jobParams,
    responses: { 200: revertDeliveryResponseSchema },
    errors: ['POST_COMMIT_REVERT_BLOCKED', 'JOB_STATE_CONFLICT'],
  }),
  defineEndpoint({
    id: 'jobs.fallback',
    method: 'GET',
    path: '/api/v1/jobs/:job_id/fallback',
    auth: 'user',
    summary: 'Fallback evidence and recovery actions',
    source: 'API_CONTRACT §4',
    requirementIds: ['V1-FR-DEL-002', 'V1-FR-DEL-003', 'V1-FR-TEST-004'],
    request: jobParams,
    responses: { 200: fallbackResponseSchema },
    errors: ['JOB_STATE_CONFLICT'],
  }),
  defineEndpoint({
    id: 'jobs.deepFix',
    method: 'POST',
    path: '/api/v1/jobs/:job_id/intervention/deep-fix',
    auth: 'user',
    summary: 'Start a Deep Fix cycle',
    source: 'API_CONTRACT §4',
    requirementIds: ['V1-FR-TEST-003A', 'V1-FR-ROUTE-005'],
    request: jobParams,
    responses: { 200: deepFixResponseSchema },
    errors: ['ENTITLEMENT_DENIED', 'ENTITLEMENT_DENIED_PHASE', 'JOB_STATE_CONFLICT'],
  }),
  defineEndpoint({
    id: 'jobs.interventionCommand',
    method: 'POST',
    path: '/api/v1/jobs/:job_id/intervention/command',
    auth: 'user',
    summary: 'Natural-language repair command in USER_INTERVENING',
    source: 'API_CONTRACT §4',
    requirementIds: ['V1-FR-DEL-002'],
    request: { ...jobParams, body: interventionCommandRequestSchema },
    responses: { 200: interventionCommandResponseSchema },
    errors: ['JOB_STATE_CONFLICT'],
  }),
  defineEndpoint({
    id: 'jobs.interventionRunTests',
    method: 'POST',
    path: '/api/v1/jobs/:job_id/intervention/run-tests',
    auth: 'user',
    summary: 'Run tests after a manual edit in USER_INTERVENING',
    source: 'API_CONTRACT §4',
    requirementIds: ['V1-FR-DEL-002'],
    request: { ...jobParams, body: interventionRunTestsRequestSchema },
    responses: { 200: interventionRunTestsResponseSchema },
    errors: ['JOB_STATE_CONFLICT'],
  }),
];
