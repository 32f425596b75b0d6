/**
 * @module V2 GitHub integration endpoints (API_CONTRACT §8; V2-FR-GH-001..012, V2-FR-WEB-004/005).
 * Repository access is a GitHub App installation, distinct from user OAuth login (§8 note).
 * Free/Plus callers are refused with `ENTITLEMENT_INSUFFICIENT` (§12, V1-FR-SUB-004).
 */
import { z } from 'zod';
import { workspacePathSchema } from '../llm/patch-edit';
import { jobIdParamsSchema, uuid } from './common';
import { defineEndpoint } from './endpoint';

export const githubConnectResponseSchema = z.strictObject({
  install_url: z.url(),
  state_token: z.string().min(16),
});
export type GithubConnectResponse = z.infer<typeof githubConnectResponseSchema>;

export const githubCallbackQuerySchema = z.strictObject({
  installation_id: z.string().regex(/^\d+$/, 'installation_id is numeric'),
  setup_action: z.enum(['install', 'update', 'request']),
  state: z.string().min(1),
});
export type GithubCallbackQuery = z.infer<typeof githubCallbackQuerySchema>;

/** No defaults in §8; these mirror `GET /api/v1/jobs` (first page, 20 per page). */
export const githubReposQuerySchema = z.strictObject({
  page: z.coerce.number().int().min(1).default(1),
  per_page: z.coerce.number().int().min(1).max(50).default(20),
});
export type GithubReposQuery = z.infer<typeof githubReposQuerySchema>;
export const githubReposResponseSchema = z.strictObject({
  repos: z.array(
    z.strictObject({
      id: z.string().min(1),
      full_name: z.string().min(1),
      default_branch: z.string().min(1),
      private: z.boolean(),
    }),
  ),
  total: z.int().nonnegative(),
});
export type GithubReposResponse = z.infer<typeof githubReposResponseSchema>;

export const repoIdParamsSchema = z.strictObject({ repo_id: z.string().min(1).max(200) });
export const preflightRequestSchema = z.strictObject({
  branch: z.string().min(1).max(255),
  path_scope: workspacePathSchema,
});
export type PreflightRequest = z.infer<typeof preflightRequestSchema>;
/** Violation `type`s reuse the §12 codes (`REPO_SIZE_LIMIT_EXCEEDED`, ...) so clients map them once. */
export const preflightResponseSchema = z.strictObject({
  passed: z.boolean(),
  file_count: z.int().nonnegative(),
  size_mb: z.number().nonnegative(),
  violations: z.array(z.strictObject({ type: z.string().min(1), detail: z.string() })),
});
export type PreflightResponse = z.infer<typeof preflightResponseSchema>;

export const githubDisconnectResponseSchema = z.strictObject({
  revoked: z.literal(true),
  active_syncs_terminated: z.int().nonnegative(),
  audit_event_id: z.string().min(1),
});
export type GithubDisconnectResponse = z.infer<typeof githubDisconnectResponseSchema>;

/** Fastify lower-cases header names; other headers pass through. */
export const githubWebhookHeadersSchema = z.looseObject({
  'x-github-event': z.string().min(1),
  'x-hub-signature-256': z.string().regex(/^sha256=[0-9a-f]{64}$/, 'expected sha256=<hex>'),
});
/** GitHub's own payload; `action` tells `revoked` apart for `github_app_authorization`. */
export const githubWebhookBodySchema = z.looseObject({ action: z.string().optional() });

export const DELIVERY_POLICIES = ['DRAFT_PR', 'READY_FOR_REVIEW_PR'] as const;
export const githubDeliveryRequestSchema = z
  .strictObject({
    branch_name: z.string().min(1).max(255),
    pr_title: z.string().trim().min(1).max(256),
    pr_body: z.string().max(65_536),
    draft: z.boolean().default(true),
    delivery_policy: z.enum(DELIVERY_POLICIES).default('DRAFT_PR'),
  })
  .refine((b) => b.draft || b.delivery_policy === 'READY_FOR_REVIEW_PR', {
    message: 'a non-draft PR requires delivery_policy READY_FOR_REVIEW_PR',
    path: ['draft'],
  });
export type GithubDeliveryRequest = z.input<typeof githubDeliveryRequestSchema>;

/**
 * Whether the PR is opened as a draft (§13 invariant 9, V2-FR-WEB-005): always, unless the
 * request explicitly chose READY_FOR_REVIEW_PR with `draft: false` and the org permits it.
 * @example effectiveDraft({ draft: false, delivery_policy: 'READY_FOR_REVIEW_PR' }, false) // true
 */
export function effectiveDraft(
  req: z.output<typeof githubDeliveryRequestSchema>,
  orgAllowsReadyForReview: boolean,
): boolean {
  return !(
    req.delivery_policy === 'READY_FOR_REVIEW_PR' &&
    req.draft === false &&
    orgAllowsReadyForReview
  );
}

export const githubDeliveryResponseSchema = z.strictObject({
  pr_url: z.string().min(1),
  branch_url: z.string().min(1),
  commit_sha: z.string().regex(/^[0-9a-f]{40}$/),
  draft: z.boolean(),
  /** §13 invariant 10, V2-FR-GH-009. */
  provenance: z.strictObject({ co_authored_by: z.string().min(1), job_id: uuid() }),
});
export type GithubDeliveryResponse = z.infer<typeof githubDeliveryResponseSchema>;

export const githubRebaseResponseSchema = z.strictObject({
  job_id: uuid(),
  status: z.literal('REMOTE_REBASE_VALIDATING'),
});
export type GithubRebaseResponse = z.infer<typeof githubRebaseResponseSchema>;

const gated = ['ENTITLEMENT_INSUFFICIENT'] as const;

export const v2GithubEndpoints = [
  defineEndpoint({
    id: 'github.connect',
    method: 'POST',
    path: '/api/v2/github/connect',
    auth: 'user',
    summary: 'Start the GitHub App installation flow',
    source: 'API_CONTRACT §8',
    requirementIds: ['V2-FR-GH-001', 'V2-FR-GH-004'],
    request: {},
    responses: { 200: githubConnectResponseSchema },
    errors: gated,
  }),
  defineEndpoint({
    id: 'github.callback',
    method: 'GET',
    path: '/api/v2/github/callback',
    // A browser redirect from GitHub: no bearer token; `state` binds it to the initiating user.
    auth: 'none',
    summary: 'GitHub App installation callback; redirects to the web portal',
    source: 'API_CONTRACT §8',
    requirementIds: ['V2-FR-GH-001', 'V2-FR-GH-003'],
    request: { query: githubCallbackQuerySchema },
    responses: { 302: null },
  }),
  defineEndpoint({
    id: 'github.repos',
    method: 'GET',
    path: '/api/v2/github/repos',
    auth: 'user',
    summary: 'Connected repositories',
    source: 'API_CONTRACT §8',
    requirementIds: ['V2-FR-GH-001'],
    request: { query: githubReposQuerySchema },
    responses: { 200: githubReposResponseSchema },
    errors: gated,
  }),
  defineEndpoint({
    id: 'github.preflight',
    method: 'POST',
    path: '/api/v2/github/repos/:repo_id/preflight',
    auth: 'user',
    summary: 'Repository size, file count and path-scope checks',
    source: 'API_CONTRACT §8',
    requirementIds: ['V2-FR-GH-006', 'V2-FR-GH-002'],
    request: { params: repoIdParamsSchema, body: preflightRequestSchema },
    responses: { 200: preflightResponseSchema },
    errors: [...gated, 'NOT_FOUND'],
    fieldErrorCodes: { path_scope: 'PATH_SCOPE_REQUIRED' },
  }),
  defineEndpoint({
    id: 'github.disconnect',
    method: 'DELETE',
    path: '/api/v2/github/connection',
    auth: 'user',
    summary: 'Revoke the GitHub connection',
    source: 'API_CONTRACT §8',
    requirementIds: ['V2-FR-GH-007'],
    request: {},
    responses: { 200: githubDisconnectResponseSchema },
    errors: ['NOT_FOUND'],
  }),
  defineEndpoint({
    id: 'github.webhook',
    method: 'POST',
    path: '/api/v2/webhooks/github',
    auth: 'webhook',
    summary: 'GitHub App webhook (github_app_authorization revocation; idempotent)',
    source: 'API_CONTRACT §8',
    requirementIds: ['V2-FR-GH-010'],
    request: { headers: githubWebhookHeadersSchema, body: githubWebhookBodySchema },
    responses: { 200: null },
  }),
  defineEndpoint({
    id: 'github.delivery',
    method: 'POST',
    path: '/api/v2/jobs/:job_id/delivery/github',
    auth: 'user',
    summary: 'Branch + commit + pull request for a web job',
    source: 'API_CONTRACT §8',
    requirementIds: [
      'V2-FR-WEB-004',
      'V2-FR-WEB-005',
      'V2-FR-WEB-009',
      'V2-FR-GH-005',
      'V2-FR-GH-009',
      'V2-FR-GH-012',
    ],
    request: { params: jobIdParamsSchema, body: githubDeliveryRequestSchema },
    responses: { 200: githubDeliveryResponseSchema },
    errors: [
      ...gated,
      'REMOTE_HEAD_CONFLICT',
      'SIGNED_COMMIT_REQUIRED',
      'GITHUB_TOKEN_REFRESH_FAILED',
      'JOB_STATE_CONFLICT',
    ],
  }),
  defineEndpoint({
    id: 'github.rebase',
    method: 'POST',
    path: '/api/v2/jobs/:job_id/delivery/github/rebase',
    auth: 'user',
    summary: 'Auto-rebase after a head conflict',
    source: 'API_CONTRACT §8',
    requirementIds: ['V2-FR-GH-011'],
    request: { params: jobIdParamsSchema },
    responses: { 200: githubRebaseResponseSchema },
    errors: [...gated, 'JOB_STATE_CONFLICT'],
  }),
];
