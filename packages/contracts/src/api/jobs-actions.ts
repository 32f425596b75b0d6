/**
 * @module Job actions the PRD requires and API_CONTRACT §4 has no place for (ARCHITECTURE D6,
 * recorded in docs/api/ADDITIONS.md): the intervention choices beside Deep Fix, the escalation
 * decision, "Revise Specs", quarantine / mock overrides and the timeout-recovery choice. Each is a
 * state-guarded action like the contract's own: `409 JOB_STATE_CONFLICT` outside its state.
 */
import { z } from 'zod';
import { jobIdParamsSchema, uuid, workflowStateSchema } from './common';
import { defineEndpoint } from './endpoint';

/** Every action answers with the job and the state the workflow reached. */
export const jobActionResponseSchema = z.strictObject({
  job_id: uuid(),
  status: workflowStateSchema,
});
export type JobActionResponse = z.infer<typeof jobActionResponseSchema>;

export const escalationDecisionRequestSchema = z.strictObject({ confirm: z.boolean() });
export type EscalationDecisionRequest = z.infer<typeof escalationDecisionRequestSchema>;

export const baselineOverrideRequestSchema = z.strictObject({
  kind: z.enum(['QUARANTINE', 'MOCK']),
  test_names: z.array(z.string().min(1).max(1000)).min(1).max(1000),
  reason: z.string().trim().min(1).max(2000),
});
export type BaselineOverrideRequest = z.infer<typeof baselineOverrideRequestSchema>;

export const TIMEOUT_RECOVERY_CHOICES = [
  'increase_timeout',
  'skip_or_quarantine_test',
  'continue_repair',
] as const;
export const timeoutRecoveryRequestSchema = z
  .strictObject({
    choice: z.enum(TIMEOUT_RECOVERY_CHOICES),
    timeout_seconds: z.int().min(1).max(3600).optional(),
    test_names: z.array(z.string().min(1).max(1000)).min(1).max(1000).optional(),
  })
  .refine((b) => b.choice !== 'increase_timeout' || b.timeout_seconds !== undefined, {
    message: 'increase_timeout needs timeout_seconds',
    path: ['timeout_seconds'],
  })
  .refine((b) => b.choice !== 'skip_or_quarantine_test' || b.test_names !== undefined, {
    message: 'skip_or_quarantine_test needs test_names',
    path: ['test_names'],
  });
export type TimeoutRecoveryRequest = z.infer<typeof timeoutRecoveryRequestSchema>;

const jobParams = { params: jobIdParamsSchema };
const source = 'ADDITIONS.md (ARCHITECTURE D6)';

export const jobActionEndpoints = [
  defineEndpoint({
    id: 'jobs.intervene',
    method: 'POST',
    path: '/api/v1/jobs/:job_id/intervention/intervene',
    auth: 'user',
    summary: 'Enter USER_INTERVENING from WAITING_INTERVENTION',
    source,
    requirementIds: ['V1-FR-TEST-003', 'V1-FR-DEL-002'],
    request: jobParams,
    responses: { 200: jobActionResponseSchema },
    errors: ['JOB_STATE_CONFLICT'],
  }),
  defineEndpoint({
    id: 'jobs.continueRepair',
    method: 'POST',
    path: '/api/v1/jobs/:job_id/intervention/continue',
    auth: 'user',
    summary: 'Continue standard repair from WAITING_INTERVENTION (no counter reset)',
    source,
    requirementIds: ['V1-FR-TEST-003'],
    request: jobParams,
    responses: { 200: jobActionResponseSchema },
    errors: ['JOB_STATE_CONFLICT'],
  }),
  defineEndpoint({
    id: 'jobs.decideEscalation',
    method: 'POST',
    path: '/api/v1/jobs/:job_id/escalation/decision',
    auth: 'user',
    summary: 'Confirm or decline the phase escalation in WAITING_ESCALATION_DECISION',
    source,
    requirementIds: ['V1-FR-ROUTE-003', 'V1-FR-ROUTE-005'],
    request: { ...jobParams, body: escalationDecisionRequestSchema },
    responses: { 200: jobActionResponseSchema },
    errors: ['JOB_STATE_CONFLICT', 'ENTITLEMENT_DENIED_PHASE'],
  }),
  defineEndpoint({
    id: 'jobs.reviseSpecs',
    method: 'POST',
    path: '/api/v1/jobs/:job_id/spec/revise',
    auth: 'user',
    summary: 'Revise Specs (and Rerun): back to WAITING_SPEC_APPROVAL with the counters reset',
    source,
    requirementIds: ['V1-FR-TEST-002', 'V1-FR-DEL-002', 'V1-FR-SPEC-003'],
    request: jobParams,
    responses: { 200: jobActionResponseSchema },
    errors: ['JOB_STATE_CONFLICT'],
  }),
  defineEndpoint({
    id: 'jobs.baselineOverride',
    method: 'POST',
    path: '/api/v1/jobs/:job_id/baseline/override',
    auth: 'user',
    summary: 'Quarantine or mock failing baseline tests (audited) and re-run the baseline',
    source,
    requirementIds: ['V1-FR-TEST-005'],
    request: { ...jobParams, body: baselineOverrideRequestSchema },
    responses: { 200: jobActionResponseSchema },
    errors: ['JOB_STATE_CONFLICT'],
  }),
  defineEndpoint({
    id: 'jobs.timeoutRecovery',
    method: 'POST',
    path: '/api/v1/jobs/:job_id/timeout-recovery',
    auth: 'user',
    summary: 'Choose how to recover from a TIMEOUT_EXECUTION test run',
    source,
    requirementIds: ['V1-FR-SBX-007', 'V1-FR-TEST-008'],
    request: { ...jobParams, body: timeoutRecoveryRequestSchema },
    responses: { 200: jobActionResponseSchema },
    errors: ['JOB_STATE_CONFLICT'],
  }),
];
