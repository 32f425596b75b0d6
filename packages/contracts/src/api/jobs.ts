/**
 * @module Job lifecycle endpoints of API_CONTRACT §4: create, list, detail, start, cancel,
 * heartbeat, force-terminate and the Enterprise report. Proposals/spec, delivery/fallback/
 * intervention, the log stream and the test-report addition live in the sibling `jobs-*` files.
 */
import { z } from 'zod';
import {
  executionModeSchema,
  isoDateTime,
  jobIdParamsSchema,
  jobSchema,
  uuid,
  workflowStateSchema,
} from './common';
import { workspacePathSchema } from '../llm/patch-edit';
import { defineEndpoint } from './endpoint';

/** One uploaded legacy target file (D6 context upload; the shadow tree is built from these, ARCHITECTURE D5). */
export const targetFileSchema = z.strictObject({
  path: workspacePathSchema,
  content: z.string().max(2_000_000),
});

/** Job-start escalation pre-authorization (V1-FR-ROUTE-003, V1-FR-ROUTE-005; D6 addition). */
export const escalationPreauthorizationSchema = z.strictObject({
  phase_ceiling: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  credit_budget: z.number().positive().nullable(),
  on_budget_exhausted: z.enum(['degrade_to_base_model', 'stop']),
});

export const createJobRequestSchema = z
  .strictObject({
    project_id: uuid().optional(),
    target_paths: z.array(workspacePathSchema).min(1).max(500),
    execution_mode: executionModeSchema,
    refactor_context: z.string().max(8000).optional(),
    // D6 additions (docs/api/ADDITIONS.md): what the workflow needs at creation.
    /** Content of the target files (context upload, ARCHITECTURE D5/D6). */
    target_files: z.array(targetFileSchema).max(500).optional(),
    /** The IDE session that heartbeats for this job (V1-FR-JOB-007, V1-FR-ROUTE-002). */
    session_id: z.string().min(1).max(200).optional(),
    /** Expert Fast-Track (V1-FR-SPEC-005): spec approval bypassed, baseline kept. */
    fast_track: z.boolean().optional(),
    escalation_preauthorization: escalationPreauthorizationSchema.nullable().optional(),
  })
  .superRefine((b, ctx) => {
    const paths = new Set(b.target_paths);
    (b.target_files ?? []).forEach((f, i) => {
      if (!paths.has(f.path))
        ctx.addIssue({
          code: 'custom',
          path: ['target_files', i, 'path'],
          message: 'every uploaded file must be one of target_paths',
        });
    });
    if (new Set((b.target_files ?? []).map((f) => f.path)).size !== (b.target_files ?? []).length)
      ctx.addIssue({
        code: 'custom',
        path: ['target_files'],
        message: 'duplicate path in target_files',
      });
  });
export type CreateJobRequest = z.infer<typeof createJobRequestSchema>;

export const createJobResponseSchema = z.strictObject({
  job_id: uuid(),
  status: z.literal('PENDING'),
  created_at: isoDateTime(),
  quota_reservation_id: z.string().min(1),
});
export type CreateJobResponse = z.infer<typeof createJobResponseSchema>;

/** Query strings arrive as text; numbers are coerced, then bounded as §4 says. */
export const listJobsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
  status: workflowStateSchema.optional(),
});
export type ListJobsQuery = z.infer<typeof listJobsQuerySchema>;

export const listJobsResponseSchema = z.strictObject({
  items: z.array(jobSchema),
  total: z.int().nonnegative(),
  has_more: z.boolean(),
});
export type ListJobsResponse = z.infer<typeof listJobsResponseSchema>;

export const startJobResponseSchema = z.strictObject({
  job_id: uuid(),
  status: z.literal('ANALYZING'),
});
export type StartJobResponse = z.infer<typeof startJobResponseSchema>;

export const cancelJobResponseSchema = z.strictObject({
  job_id: uuid(),
  status: z.literal('FAILED'),
  failure_reason: z.literal('USER_CANCELLED'),
});
export type CancelJobResponse = z.infer<typeof cancelJobResponseSchema>;

/** `job_id` repeats the path parameter (§4); the route rejects a mismatch as VALIDATION_FAILED. */
export const heartbeatRequestSchema = z.strictObject({
  job_id: uuid(),
  session_id: z.string().min(1).max(200),
});
export type HeartbeatRequest = z.infer<typeof heartbeatRequestSchema>;
export const heartbeatResponseSchema = z.strictObject({
  acknowledged: z.literal(true),
  grace_deadline_at: isoDateTime().nullable(),
});
export type HeartbeatResponse = z.infer<typeof heartbeatResponseSchema>;

export const forceTerminateResponseSchema = z.strictObject({
  job_id: uuid(),
  status: z.literal('FAILED'),
  failure_reason: z.literal('FORCE_TERMINATED_BY_USER'),
});
export type ForceTerminateResponse = z.infer<typeof forceTerminateResponseSchema>;

export const enterpriseReportResponseSchema = z.strictObject({
  pdf_url: z.string().min(1),
  json_url: z.string().min(1),
  generated_at: isoDateTime(),
  expires_at: isoDateTime(),
});
export type EnterpriseReportResponse = z.infer<typeof enterpriseReportResponseSchema>;

const jobParams = { params: jobIdParamsSchema };

export const jobEndpoints = [
  defineEndpoint({
    id: 'jobs.create',
    method: 'POST',
    path: '/api/v1/jobs',
    auth: 'user',
    summary: 'Create a refactor job',
    source: 'API_CONTRACT §4',
    requirementIds: [
      'V1-FR-JOB-001',
      'V1-FR-SUB-004',
      'V1-FR-SUB-005',
      'V1-FR-SUB-008',
      'V1-FR-OPS-002',
    ],
    request: { body: createJobRequestSchema },
    responses: { 201: createJobResponseSchema },
    // FORBIDDEN: kill switch (denial_reason KILL_SWITCH_ACTIVE, ADDITIONS.md).
    errors: ['ENTITLEMENT_DENIED', 'QUOTA_EXCEEDED_DAILY', 'QUOTA_EXCEEDED_MONTHLY', 'FORBIDDEN'],
  }),
  defineEndpoint({
    id: 'jobs.list',
    method: 'GET',
    path: '/api/v1/jobs',
    auth: 'user',
    summary: "List the caller's jobs",
    source: 'API_CONTRACT §4',
    requirementIds: ['V1-FR-JOB-001', 'V1-FR-JOB-002'],
    request: { query: listJobsQuerySchema },
    responses: { 200: listJobsResponseSchema },
  }),
  defineEndpoint({
    id: 'jobs.get',
    method: 'GET',
    path: '/api/v1/jobs/:job_id',
    auth: 'user',
    summary: 'Job detail with heartbeat fields',
    source: 'API_CONTRACT §4',
    requirementIds: [
      'V1-FR-JOB-001',
      'V1-FR-JOB-002',
      'V1-FR-JOB-003',
      'V1-FR-JOB-007',
      'V1-FR-DEL-008',
    ],
    request: jobParams,
    responses: { 200: jobSchema },
  }),
  defineEndpoint({
    id: 'jobs.start',
    method: 'POST',
    path: '/api/v1/jobs/:job_id/start',
    auth: 'user',
    summary: 'Reserve quota and move PENDING -> ANALYZING',
    source: 'API_CONTRACT §4',
    requirementIds: ['V1-FR-BIL-004', 'V1-FR-SUB-005', 'V1-FR-JOB-002'],
    request: jobParams,
    responses: { 200: startJobResponseSchema },
    errors: ['QUOTA_RESERVATION_FAILED', 'JOB_STATE_CONFLICT'],
  }),
  defineEndpoint({
    id: 'jobs.cancel',
    method: 'DELETE',
    path: '/api/v1/jobs/:job_id',
    auth: 'user',
    summary: 'Cancel a job (FAILED / USER_CANCELLED)',
    source: 'API_CONTRACT §4',
    requirementIds: ['V1-FR-JOB-002', 'V1-FR-BIL-001'],
    request: jobParams,
    responses: { 200: cancelJobResponseSchema },
    errors: ['JOB_STATE_CONFLICT'],
  }),
  defineEndpoint({
    id: 'jobs.heartbeat',
    method: 'POST',
    path: '/api/v1/jobs/:job_id/heartbeat',
    auth: 'user',
    summary: 'IDE client heartbeat',
    source: 'API_CONTRACT §4',
    requirementIds: ['V1-FR-JOB-007'],
    request: { ...jobParams, body: heartbeatRequestSchema },
    responses: { 200: heartbeatResponseSchema },
    errors: ['HEARTBEAT_SESSION_INVALID'],
  }),
  defineEndpoint({
    id: 'jobs.forceTerminate',
    method: 'POST',
    path: '/api/v1/jobs/:job_id/force-terminate',
    auth: 'user',
    summary: 'Force-terminate a job during the heartbeat grace period',
    source: 'API_CONTRACT §4',
    requirementIds: ['V1-FR-JOB-007'],
    request: jobParams,
    responses: { 200: forceTerminateResponseSchema },
    errors: ['JOB_STATE_CONFLICT'],
  }),
  defineEndpoint({
    id: 'jobs.enterpriseReport',
    method: 'GET',
    path: '/api/v1/jobs/:job_id/enterprise-report',
    auth: 'user',
    summary: 'Enterprise Analysis Report artifact',
    source: 'API_CONTRACT §4',
    requirementIds: ['V1-FR-PRO-002'],
    request: jobParams,
    responses: { 200: enterpriseReportResponseSchema },
    // ENTITLEMENT_DENIED carries denial_reason ENTERPRISE_TIER_REQUIRED; the conflict covers "not generated yet".
    errors: ['ENTITLEMENT_DENIED', 'JOB_STATE_CONFLICT'],
  }),
];
