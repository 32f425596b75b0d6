/**
 * @module Building blocks shared by the API DTOs (API_CONTRACT §1-§11): identifiers, timestamps,
 * the enums the contract repeats across sections, and the named types it references without
 * defining (`Job`, `BDDItem`, `SDDItem`, `FileDiff`, `FailedTest`).
 */
import { z } from 'zod';
import { BASELINE_MODES, TEST_FAILURE_CLASSES } from '../llm/common';
import { bddItemSchema, sddItemSchema } from '../llm/spec';
import { TIERS } from '../tiers/tier';
import { EXECUTION_MODES, WORKFLOW_STATES } from '../workflow/states';

/** ISO 8601 instants; offsets are accepted because clients outside UTC echo local times. */
export const isoDateTime = () => z.iso.datetime({ offset: true });

/** Database identifiers are UUIDs (DB_SCHEMA); validating them early turns garbage into a 400. */
export const uuid = () => z.uuid();

/** Non-empty bounded text for human-entered fields. */
export const nonEmpty = (max = 2000) => z.string().trim().min(1).max(max);

export const jobIdParamsSchema = z.strictObject({ job_id: uuid() });
export type JobIdParams = z.infer<typeof jobIdParamsSchema>;

export const tierSchema = z.enum(TIERS);

/** V1 and V2 jobs share the job endpoints, so the status is any state of the workflow module. */
export const workflowStateSchema = z.enum(WORKFLOW_STATES);

export const executionModeSchema = z.enum(EXECUTION_MODES);

/** `admin_accounts.role` (DB_SCHEMA §19; API_CONTRACT §6). */
export const ADMIN_ROLES = ['SUPER_ADMIN', 'ENGINEER', 'SUPPORT'] as const;
export const adminRoleSchema = z.enum(ADMIN_ROLES);
export type AdminRole = z.infer<typeof adminRoleSchema>;

/** `client_heartbeat_sessions` states the job detail exposes (API_CONTRACT §4, invariant 6). */
export const HEARTBEAT_STATUSES = ['ACTIVE', 'PAUSED', 'GRACE_PERIOD', 'LOST'] as const;
export const heartbeatStatusSchema = z.enum(HEARTBEAT_STATUSES);

export const baselineModeApiSchema = z.enum(BASELINE_MODES);
export const testFailureClassSchema = z.enum(TEST_FAILURE_CLASSES);

/** `Job` of `GET /api/v1/jobs` and `GET /api/v1/jobs/:job_id` (API_CONTRACT §4, invariant 6). */
export const jobSchema = z.strictObject({
  job_id: uuid(),
  status: workflowStateSchema,
  created_at: isoDateTime(),
  updated_at: isoDateTime(),
  target_paths: z.array(z.string()),
  execution_mode: executionModeSchema,
  current_phase: z.int().min(1).max(3).nullable(),
  attempt_count: z.int().nonnegative(),
  identical_failure_count: z.int().nonnegative(),
  failure_pattern_fingerprint: z.string().nullable(),
  baseline_mode: baselineModeApiSchema.nullable(),
  artifact_expires_at: isoDateTime().nullable(),
  heartbeat_status: heartbeatStatusSchema.nullable(),
  last_heartbeat_at: isoDateTime().nullable(),
  grace_deadline_at: isoDateTime().nullable(),
});
export type Job = z.infer<typeof jobSchema>;

/**
 * `BDDItem` / `SDDItem` as the API carries them: the model-facing item (`llm/spec`) plus the
 * row id of `bdd_items` / `sdd_items` (DB_SCHEMA §4). The id is optional on writes because new
 * items have none yet; the server assigns it.
 */
export const bddItemApiSchema = bddItemSchema.extend({ id: uuid().optional() });
export type BddItemApi = z.infer<typeof bddItemApiSchema>;
export const sddItemApiSchema = sddItemSchema.extend({ id: uuid().optional() });
export type SddItemApi = z.infer<typeof sddItemApiSchema>;

/**
 * Display-only hunk of a `FileDiff`. Line numbers are for rendering; the apply authority is the
 * server's shadow tree (ARCHITECTURE D5, V1-FR-DEL-004), selected by `hunk_id` (V1-FR-DEL-005).
 */
export const diffHunkSchema = z.strictObject({
  hunk_id: z.string().min(1),
  old_start: z.int().nonnegative(),
  old_lines: z.int().nonnegative(),
  new_start: z.int().nonnegative(),
  new_lines: z.int().nonnegative(),
});

/** `FileDiff` of the delivery (API_CONTRACT §4): full files, never offsets (ARCHITECTURE D5). */
export const fileDiffSchema = z.strictObject({
  path: z.string().min(1),
  change_type: z.enum(['MODIFIED', 'CREATED', 'DELETED']),
  base_hash: z.string().nullable(),
  original_content: z.string().nullable(),
  patched_content: z.string().nullable(),
  hunks: z.array(diffHunkSchema),
});
export type FileDiff = z.infer<typeof fileDiffSchema>;

/** Where a failure happened; the location is one of the three fingerprint inputs (V1-FR-TEST-003). */
export const testLocationSchema = z.strictObject({
  file: z.string().min(1),
  line: z.int().positive().nullable(),
  column: z.int().positive().nullable(),
});

/** `FailedTest` of the fallback evidence (API_CONTRACT §4; V1-FR-TEST-004, V1-FR-DEL-002). */
export const failedTestSchema = z.strictObject({
  name: z.string().min(1),
  error_class: z.string().nullable(),
  location: testLocationSchema.nullable(),
  excerpt: z.string().max(4000).nullable(),
});
export type FailedTest = z.infer<typeof failedTestSchema>;

/** Bodies of actions that take no input (e.g. `POST .../spec/approve`): nothing but `{}` or no body. */
export const emptyBodySchema = z.strictObject({}).optional();

/**
 * Any JSON value except `undefined`, for the free-form `value: any` of §6 config entries; a
 * bare `z.unknown()` would let a body without the field through.
 */
export const jsonValueSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.unknown()),
  z.record(z.string(), z.unknown()),
]);
