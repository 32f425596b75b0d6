/**
 * @module The `data:` payloads of the job log stream `GET /api/v1/jobs/:job_id/logs`
 * (API_CONTRACT §4; V1-FR-OBS-002/003, V2-FR-WF-004) plus `test_requested`, the push half of
 * the local test hand-off (ARCHITECTURE D5, recorded in docs/api/ADDITIONS.md).
 */
import { z } from 'zod';
import { LLM_MODEL_CLASSES, ROUTING_PHASES } from '../tiers/model-class';
import { workspacePathSchema } from '../llm/patch-edit';
import { isoDateTime, jobIdParamsSchema, uuid, workflowStateSchema } from './common';
import { defineEndpoint } from './endpoint';

const ev = <T extends string>(name: T) => z.literal(name);

/** `test_runs.run_type` (DB_SCHEMA §5). */
export const TEST_RUN_TYPES = ['BASELINE', 'REPAIR', 'DEEP_FIX', 'INTERVENTION', 'MANUAL'] as const;

const fileContentSchema = z.strictObject({ path: workspacePathSchema, content: z.string() });

export const jobEventSchema = z.discriminatedUnion('event', [
  z.strictObject({
    event: ev('state_change'),
    state: workflowStateSchema,
    timestamp: isoDateTime(),
  }),
  z.strictObject({
    event: ev('log_line'),
    level: z.enum(['INFO', 'WARN', 'ERROR']),
    message: z.string(),
    timestamp: isoDateTime(),
  }),
  z.strictObject({
    event: ev('attempt_start'),
    attempt: z.int().nonnegative(),
    phase: z.union(
      ROUTING_PHASES.map((p) => z.literal(p)) as [
        z.ZodLiteral<1>,
        z.ZodLiteral<2>,
        z.ZodLiteral<3>,
      ],
    ),
    model_class: z.enum(LLM_MODEL_CLASSES),
  }),
  z.strictObject({
    event: ev('attempt_end'),
    attempt: z.int().nonnegative(),
    passed: z.boolean(),
    fingerprint: z.string().nullable(),
  }),
  z.strictObject({
    event: ev('heartbeat_status'),
    status: z.string().min(1),
    grace_deadline_at: isoDateTime().nullable(),
  }),
  z.strictObject({
    event: ev('deep_fix_start'),
    context_reset: z.literal(true),
    model_upgraded: z.boolean(),
  }),
  z.strictObject({
    event: ev('spec_updated'),
    job_id: uuid(),
    revision_id: uuid(),
    revision_token: z.string().min(1),
    updated_by_surface: z.enum(['IDE', 'WEB']),
    timestamp: isoDateTime(),
  }),
  z.strictObject({
    event: ev('artifact_ready'),
    job_id: uuid(),
    artifact_expires_at: isoDateTime(),
    timestamp: isoDateTime(),
  }),
  /**
   * D5: the IDE writes these files into its sandbox copy, runs the tests and answers with
   * `POST /api/v1/jobs/:job_id/tests/report`. The Temporal task token stays on the server,
   * keyed by `test_run_id`, so the client can complete nothing but its own run.
   */
  z.strictObject({
    event: ev('test_requested'),
    job_id: uuid(),
    test_run_id: uuid(),
    attempt_number: z.int().nonnegative(),
    run_type: z.enum(TEST_RUN_TYPES),
    framework: z.string().min(1),
    test_files: z.array(fileContentSchema).min(1),
    /** Full patched source files (empty for the baseline run, which tests the legacy code). */
    source_files: z.array(fileContentSchema),
    /** `null`: the client's configured timeout (V1-FR-SBX-005, default 30 s). */
    timeout_seconds: z.int().positive().nullable(),
    timestamp: isoDateTime(),
  }),
]);
export type JobEvent = z.infer<typeof jobEventSchema>;
export type JobEventName = JobEvent['event'];

export const jobLogsEndpoints = [
  defineEndpoint({
    id: 'jobs.logs',
    method: 'GET',
    path: '/api/v1/jobs/:job_id/logs',
    auth: 'user',
    summary: 'Server-sent events: live logs, state changes, spec sync, test requests',
    source: 'API_CONTRACT §4',
    requirementIds: ['V1-FR-OBS-002', 'V1-FR-OBS-003', 'V1-FR-AUTH-004', 'V2-FR-WF-004'],
    request: { params: jobIdParamsSchema },
    responses: { 200: jobEventSchema },
    sse: jobEventSchema,
  }),
];
