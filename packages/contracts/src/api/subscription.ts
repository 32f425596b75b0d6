/**
 * @module Subscription and usage endpoints (API_CONTRACT §3; V1-FR-SUB-001..003, V1-FR-SUB-002).
 * Entitlements are read from `subscription_tiers` (AGENT.md resolution 10); the display policy
 * of V1-FR-SUB-003 (percentages, not raw credits) is the client's job, the API reports counts.
 */
import { z } from 'zod';
import { isoDateTime, jobIdParamsSchema, tierSchema, uuid } from './common';
import { defineEndpoint } from './endpoint';
import type { OperatingMode } from '../tiers/tier-matrix';

/** Keyed by the tier module's `OperatingMode`, so the two cannot drift (one source of truth). */
const OPERATING_MODES = { SIMPLE: true, PROFESSIONAL: true, ENTERPRISE: true } satisfies Record<
  OperatingMode,
  true
>;

const limit = () => z.int().nonnegative().nullable();

export const subscriptionResponseSchema = z.strictObject({
  tier: tierSchema,
  context_cap: z.int().positive(),
  operating_mode: z.enum(Object.keys(OPERATING_MODES) as [OperatingMode, ...OperatingMode[]]),
  phase_1_limit: z.strictObject({
    type: z.enum(['daily', 'monthly', 'unlimited']),
    limit: limit(),
  }),
  phase_2_limit: z.strictObject({ type: z.enum(['monthly', 'unlimited']), limit: limit() }),
  phase_3_limit: z.strictObject({ type: z.enum(['monthly', 'unlimited']), limit: limit() }),
  execution_environments: z.union([
    z.tuple([z.literal('LOCAL')]),
    z.tuple([z.literal('LOCAL'), z.literal('CLOUD')]),
  ]),
  web_github_enabled: z.boolean(),
  enterprise_report_enabled: z.boolean(),
  billing_status: z.enum(['ACTIVE', 'PAST_DUE', 'CANCELLED']),
});
export type SubscriptionResponse = z.infer<typeof subscriptionResponseSchema>;

const used = () => z.int().nonnegative();

const percent = () => z.int().min(0).max(100);
/** V1-FR-SUB-003 display policy: percentages and the typical-refactors proxy; credits for the expand view only. */
export const usageDisplaySchema = z.strictObject({
  tier: tierSchema,
  monthly: z
    .strictObject({
      used_percent: percent(),
      remaining_percent: percent(),
      typical_refactors_remaining: used(),
      remaining_credits: used(),
      watermarks_crossed: z.array(percent()),
      reset_at: isoDateTime(),
    })
    .nullable(),
  daily: z.strictObject({
    jobs_started: used(),
    job_limit: limit(),
    jobs_remaining: limit(),
    reset_at: isoDateTime(),
  }),
  add_on: z.strictObject({
    active_percent: z.union([z.literal(0), z.literal(25), z.literal(50)]),
    available: z.boolean(),
    action: z.enum(['BUY_ADD_ON', 'UPGRADE_TO_PRO', 'UPGRADE_TO_PLUS', 'CONTACT_SALES']),
  }),
  watermarks_recorded: z.array(percent()),
});

/** `UsageSummary`, also embedded in the admin user 360 view (§6). */
export const usageSummarySchema = z.strictObject({
  cycle_start: isoDateTime(),
  cycle_end: isoDateTime(),
  phase_1: z.strictObject({
    used: used(),
    limit: limit(),
    reset_type: z.enum(['daily', 'monthly']),
  }),
  phase_2: z.strictObject({ used: used(), limit: limit() }),
  phase_3: z.strictObject({ used: used(), limit: limit() }),
  last_updated: isoDateTime(),
  /** Addition (docs/api/ADDITIONS.md; V1-FR-SUB-003, V1-FR-BIL-003, V1-FR-PAY-006): display figures. */
  display: usageDisplaySchema.optional(),
});
export type UsageSummary = z.infer<typeof usageSummarySchema>;

export const jobUsageResponseSchema = z.strictObject({
  job_id: uuid(),
  phase_1_calls: used(),
  phase_2_calls: used(),
  phase_3_calls: used(),
  prompt_tokens: used(),
  completion_tokens: used(),
  sandbox_seconds: z.number().nonnegative(),
  billable: z.boolean(),
  /** `usage_ledger.failure_class` (V1-FR-BIL-001); free text in the contract. */
  failure_class: z.string().nullable(),
});
export type JobUsageResponse = z.infer<typeof jobUsageResponseSchema>;

export const subscriptionEndpoints = [
  defineEndpoint({
    id: 'subscription.me',
    method: 'GET',
    path: '/api/v1/subscription/me',
    auth: 'user',
    summary: 'Current tier, entitlements and billing status',
    source: 'API_CONTRACT §3',
    requirementIds: ['V1-FR-SUB-001', 'V1-FR-SUB-004'],
    request: {},
    responses: { 200: subscriptionResponseSchema },
  }),
  defineEndpoint({
    id: 'usage.summary',
    method: 'GET',
    path: '/api/v1/usage/summary',
    auth: 'user',
    summary: 'Current-cycle usage summary',
    source: 'API_CONTRACT §3',
    requirementIds: ['V1-FR-SUB-003', 'V1-FR-SUB-002'],
    request: {},
    responses: { 200: usageSummarySchema },
  }),
  defineEndpoint({
    id: 'usage.job',
    method: 'GET',
    path: '/api/v1/usage/job/:job_id',
    auth: 'user',
    summary: 'Per-job usage breakdown',
    source: 'API_CONTRACT §3',
    requirementIds: ['V1-FR-SUB-002', 'V1-FR-JOB-002'],
    request: { params: jobIdParamsSchema },
    responses: { 200: jobUsageResponseSchema },
  }),
];
