/**
 * @module Admin and operator endpoints (API_CONTRACT §6; V1-FR-OPS-001..004, AGENT.md
 * resolution 15). Admin sessions are a separate auth system from product JWTs; each entry
 * lists the roles of §6 / the DB_SCHEMA §19 matrix. Two rules depend on the request itself and
 * are exported as functions: the kill-switch scope and the `*.api_key_ref` config keys.
 */
import { z } from 'zod';
import { reasonCodeSchema } from '../llm/common';
import { ROUTING_PHASES } from '../tiers/model-class';
import {
  ADMIN_ROLES,
  adminRoleSchema,
  isoDateTime,
  jobSchema,
  jsonValueSchema,
  tierSchema,
  uuid,
  type AdminRole,
} from './common';
import { defineEndpoint } from './endpoint';
import { usageSummarySchema } from './subscription';

export const ADMIN_ACCOUNT_STATUSES = ['ACTIVE', 'SUSPENDED', 'DEACTIVATED'] as const;
const accountStatus = z.enum(ADMIN_ACCOUNT_STATUSES);
/** SUPER_ADMIN is bootstrap-only (§6): the API can neither create nor promote to it. */
const assignableRole = z.enum(
  ADMIN_ROLES.filter((r) => r !== 'SUPER_ADMIN') as ['ENGINEER', 'SUPPORT'],
);
const adminPassword = () => z.string().min(12).max(256);

export const adminLoginRequestSchema = z.strictObject({
  email: z.string().min(1),
  password: z.string().min(1),
});
export type AdminLoginRequest = z.infer<typeof adminLoginRequestSchema>;
/**
 * The TOTP code of the mandatory second factor (DB_SCHEMA §19) rides in a header because §6's
 * login body has no field for it (docs/api/ADDITIONS.md); optional so a missing code answers
 * `INVALID_CREDENTIALS` with `detail.otp = "required"`.
 */
export const adminLoginHeadersSchema = z.looseObject({
  'x-iama-otp': z.string().regex(/^\d{6}$/, 'expected a 6-digit TOTP code').optional(),
});
export const adminLoginResponseSchema = z.strictObject({
  token: z.string().min(1),
  admin_id: uuid(),
  role: adminRoleSchema,
  expires_at: isoDateTime(),
});
export type AdminLoginResponse = z.infer<typeof adminLoginResponseSchema>;

export const adminMeResponseSchema = z.strictObject({
  admin_id: uuid(),
  email: z.email(),
  role: adminRoleSchema,
  /** Never null here: holding a session means the login has been recorded. */
  last_login_at: isoDateTime(),
});
export type AdminMeResponse = z.infer<typeof adminMeResponseSchema>;

export const adminChangePasswordRequestSchema = z.strictObject({
  current_password: z.string().min(1),
  new_password: adminPassword(),
});
export type AdminChangePasswordRequest = z.infer<typeof adminChangePasswordRequestSchema>;

export const adminAccountSchema = z.strictObject({
  admin_id: uuid(),
  email: z.email(),
  role: adminRoleSchema,
  status: accountStatus,
  last_login_at: isoDateTime().nullable(),
  created_at: isoDateTime(),
});
export const adminAccountsResponseSchema = z.strictObject({
  accounts: z.array(adminAccountSchema),
});
export type AdminAccountsResponse = z.infer<typeof adminAccountsResponseSchema>;

export const createAdminAccountRequestSchema = z.strictObject({
  email: z.email(),
  password: adminPassword(),
  role: assignableRole,
});
export type CreateAdminAccountRequest = z.infer<typeof createAdminAccountRequestSchema>;
export const createAdminAccountResponseSchema = z.strictObject({
  admin_id: uuid(),
  email: z.email(),
  role: adminRoleSchema,
  created_at: isoDateTime(),
});
export type CreateAdminAccountResponse = z.infer<typeof createAdminAccountResponseSchema>;

export const adminIdParamsSchema = z.strictObject({ admin_id: uuid() });
export const updateAdminAccountRequestSchema = z
  .strictObject({
    role: assignableRole.optional(),
    status: accountStatus.optional(),
    reason: z.string().trim().min(1).max(2000),
  })
  .refine((b) => b.role !== undefined || b.status !== undefined, {
    message: 'role or status is required',
    path: ['role'],
  });
export type UpdateAdminAccountRequest = z.infer<typeof updateAdminAccountRequestSchema>;
export const updateAdminAccountResponseSchema = z.strictObject({
  admin_id: uuid(),
  role: adminRoleSchema,
  status: accountStatus,
  audit_event_id: z.string().min(1),
});
export type UpdateAdminAccountResponse = z.infer<typeof updateAdminAccountResponseSchema>;

export const resetAdminPasswordResponseSchema = z.strictObject({
  temporary_password: z.string().min(12),
  audit_event_id: z.string().min(1),
});
export type ResetAdminPasswordResponse = z.infer<typeof resetAdminPasswordResponseSchema>;

export const userIdParamsSchema = z.strictObject({ user_id: uuid() });
export const user360ResponseSchema = z.strictObject({
  user_id: uuid(),
  email: z.email(),
  tier: tierSchema,
  created_at: isoDateTime(),
  recent_jobs: z.array(jobSchema).max(10),
  current_usage: usageSummarySchema,
  billing_status: z.string().min(1),
});
export type User360Response = z.infer<typeof user360ResponseSchema>;

export const adjustQuotaRequestSchema = z.strictObject({
  phase: z.union(
    ROUTING_PHASES.map((p) => z.literal(p)) as [z.ZodLiteral<1>, z.ZodLiteral<2>, z.ZodLiteral<3>],
  ),
  delta: z.int().refine((d) => d !== 0, 'delta must not be zero'),
  reason_code: reasonCodeSchema,
});
export type AdjustQuotaRequest = z.infer<typeof adjustQuotaRequestSchema>;
export const adjustQuotaResponseSchema = z.strictObject({
  new_balance: z.number(),
  audit_event_id: z.string().min(1),
});
export type AdjustQuotaResponse = z.infer<typeof adjustQuotaResponseSchema>;

export const killSwitchRequestSchema = z
  .strictObject({
    scope: z.enum(['GLOBAL', 'USER']),
    user_id: uuid().optional(),
    action: z.enum(['ENABLE', 'DISABLE']),
    reason: z.string().trim().min(1).max(2000),
  })
  .refine((b) => (b.scope === 'USER') === (b.user_id !== undefined), {
    message: 'user_id is required for scope USER and not allowed for scope GLOBAL',
    path: ['user_id'],
  });
export type KillSwitchRequest = z.infer<typeof killSwitchRequestSchema>;
export const killSwitchResponseSchema = z.strictObject({
  effective_at: isoDateTime(),
  audit_event_id: z.string().min(1),
});
export type KillSwitchResponse = z.infer<typeof killSwitchResponseSchema>;

/**
 * Roles allowed to flip a kill switch of this scope (§6, DB_SCHEMA §19).
 * @example killSwitchRoles('USER') // ['SUPER_ADMIN', 'ENGINEER', 'SUPPORT']
 */
export function killSwitchRoles(scope: KillSwitchRequest['scope']): readonly AdminRole[] {
  return scope === 'GLOBAL' ? ['SUPER_ADMIN', 'ENGINEER'] : ADMIN_ROLES;
}

export const configEntrySchema = z.strictObject({
  key: z.string().min(1),
  /** `*.api_key_ref` values are masked to "***" for every role. */
  value: jsonValueSchema,
  scope: z.enum(['GLOBAL', 'ORG', 'USER']),
  updated_at: isoDateTime(),
  updated_by: z.string().min(1),
  reason: z.string(),
});
export const configListResponseSchema = z.strictObject({ entries: z.array(configEntrySchema) });
export type ConfigListResponse = z.infer<typeof configListResponseSchema>;

/** DB_SCHEMA §8.1 keys are dotted lower-case names. */
export const configKeyParamsSchema = z.strictObject({
  key: z.string().regex(/^[a-z0-9_]+(\.[a-z0-9_]+)*$/, 'expected a dotted config key'),
});
export const putConfigRequestSchema = z.strictObject({
  /** For `*.api_key_ref`: a secrets-manager path, never the secret itself. */
  value: jsonValueSchema,
  reason: z.string().trim().min(1).max(2000),
});
export type PutConfigRequest = z.infer<typeof putConfigRequestSchema>;
export const putConfigResponseSchema = z.strictObject({
  key: z.string().min(1),
  effective_at: isoDateTime(),
  audit_event_id: z.string().min(1),
});
export type PutConfigResponse = z.infer<typeof putConfigResponseSchema>;

/**
 * Roles allowed to write a config key (§6: `*.api_key_ref` is SUPER_ADMIN only).
 * @example configKeyRoles('model.l1.api_key_ref') // ['SUPER_ADMIN']
 */
export function configKeyRoles(key: string): readonly AdminRole[] {
  return key.endsWith('.api_key_ref') ? ['SUPER_ADMIN'] : ['SUPER_ADMIN', 'ENGINEER'];
}

export const adminHealthResponseSchema = z.strictObject({
  api_error_rate_1h: z.number().min(0).max(1),
  workflow_success_rate_24h: z.number().min(0).max(1),
  model_provider_status: z.array(
    z.strictObject({ provider: z.string().min(1), status: z.enum(['OK', 'DEGRADED', 'DOWN']) }),
  ),
  active_jobs: z.int().nonnegative(),
  queue_depth: z.int().nonnegative(),
  config_last_updated_at: isoDateTime(),
  kill_switch_active: z.boolean(),
});
export type AdminHealthResponse = z.infer<typeof adminHealthResponseSchema>;

/** `POST /api/v1/admin/accounts/:admin_id/totp` (docs/api/ADDITIONS.md): issue a second factor. */
export const adminTotpResponseSchema = z.strictObject({
  totp_secret: z.string().min(16),
  otpauth_uri: z.string().startsWith('otpauth://totp/'),
  audit_event_id: z.string().min(1),
});
export type AdminTotpResponse = z.infer<typeof adminTotpResponseSchema>;

/** `GET /api/v1/admin/audit-events` (docs/api/ADDITIONS.md; DB_SCHEMA §19 audit rows). */
export const adminAuditQuerySchema = z.strictObject({
  /** `ALL` needs the "all users" permission; `OWN` (default) is the caller's own actions. */
  scope: z.enum(['ALL', 'OWN']).default('OWN'),
  user_id: uuid().optional(),
  job_id: uuid().optional(),
  event_type: z.string().min(1).max(200).optional(),
  before: isoDateTime().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AdminAuditQuery = z.infer<typeof adminAuditQuerySchema>;
export const adminAuditEventSchema = z.strictObject({
  audit_event_id: uuid(),
  event_type: z.string(),
  actor_user_id: uuid().nullable(),
  actor_admin_id: uuid().nullable(),
  job_id: uuid().nullable(),
  old_state: z.string().nullable(),
  new_state: z.string().nullable(),
  surface: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  created_at: isoDateTime(),
});
export const adminAuditResponseSchema = z.strictObject({
  events: z.array(adminAuditEventSchema),
  next_before: isoDateTime().nullable(),
});
export type AdminAuditResponse = z.infer<typeof adminAuditResponseSchema>;

const SUPER: readonly AdminRole[] = ['SUPER_ADMIN'];
const OPS: readonly AdminRole[] = ['SUPER_ADMIN', 'ENGINEER'];

export const adminEndpoints = [
  defineEndpoint({
    id: 'admin.login',
    method: 'POST',
    path: '/api/v1/admin/auth/login',
    auth: 'none',
    summary: 'Admin email/password login (opaque 8 h session)',
    source: 'API_CONTRACT §6',
    requirementIds: ['V1-FR-OPS-001'],
    request: { body: adminLoginRequestSchema, headers: adminLoginHeadersSchema },
    responses: { 200: adminLoginResponseSchema },
    errors: ['INVALID_CREDENTIALS', 'ACCOUNT_SUSPENDED', 'ACCOUNT_DEACTIVATED', 'FORBIDDEN'],
  }),
  defineEndpoint({
    id: 'admin.logout',
    method: 'POST',
    path: '/api/v1/admin/auth/logout',
    auth: 'admin',
    summary: 'Revoke the current admin session',
    source: 'API_CONTRACT §6',
    requirementIds: ['V1-FR-OPS-001'],
    request: {},
    responses: { 204: null },
  }),
  defineEndpoint({
    id: 'admin.me',
    method: 'GET',
    path: '/api/v1/admin/auth/me',
    auth: 'admin',
    summary: 'Current admin identity and role',
    source: 'API_CONTRACT §6',
    requirementIds: ['V1-FR-OPS-001'],
    request: {},
    responses: { 200: adminMeResponseSchema },
  }),
  defineEndpoint({
    id: 'admin.changePassword',
    method: 'PATCH',
    path: '/api/v1/admin/auth/me/password',
    auth: 'admin',
    summary: 'Change own password',
    source: 'API_CONTRACT §6',
    requirementIds: ['V1-FR-OPS-001'],
    request: { body: adminChangePasswordRequestSchema },
    responses: { 204: null },
    errors: ['CURRENT_PASSWORD_INCORRECT'],
    fieldErrorCodes: { new_password: 'WEAK_PASSWORD' },
  }),
  defineEndpoint({
    id: 'admin.listAccounts',
    method: 'GET',
    path: '/api/v1/admin/accounts',
    auth: 'admin',
    adminRoles: SUPER,
    summary: 'List admin accounts',
    source: 'API_CONTRACT §6',
    requirementIds: ['V1-FR-OPS-001'],
    request: {},
    responses: { 200: adminAccountsResponseSchema },
  }),
  defineEndpoint({
    id: 'admin.createAccount',
    method: 'POST',
    path: '/api/v1/admin/accounts',
    auth: 'admin',
    adminRoles: SUPER,
    summary: 'Create an ENGINEER or SUPPORT admin account',
    source: 'API_CONTRACT §6',
    requirementIds: ['V1-FR-OPS-001'],
    request: { body: createAdminAccountRequestSchema },
    responses: { 201: createAdminAccountResponseSchema },
    errors: ['EMAIL_ALREADY_EXISTS'],
    fieldErrorCodes: { email: 'INVALID_EMAIL', password: 'WEAK_PASSWORD' },
  }),
  defineEndpoint({
    id: 'admin.updateAccount',
    method: 'PATCH',
    path: '/api/v1/admin/accounts/:admin_id',
    auth: 'admin',
    adminRoles: SUPER,
    summary: 'Change an admin role or status',
    source: 'API_CONTRACT §6',
    requirementIds: ['V1-FR-OPS-001'],
    request: { params: adminIdParamsSchema, body: updateAdminAccountRequestSchema },
    responses: { 200: updateAdminAccountResponseSchema },
    errors: ['CANNOT_MODIFY_OWN_ACCOUNT', 'CANNOT_MODIFY_LAST_SUPER_ADMIN', 'NOT_FOUND'],
  }),
  defineEndpoint({
    id: 'admin.resetPassword',
    method: 'POST',
    path: '/api/v1/admin/accounts/:admin_id/reset-password',
    auth: 'admin',
    adminRoles: SUPER,
    summary: 'Force-reset an admin password',
    source: 'API_CONTRACT §6',
    requirementIds: ['V1-FR-OPS-001'],
    request: { params: adminIdParamsSchema },
    responses: { 200: resetAdminPasswordResponseSchema },
    errors: ['NOT_FOUND'],
  }),
  defineEndpoint({
    id: 'admin.user360',
    method: 'GET',
    path: '/api/v1/admin/users/:user_id',
    auth: 'admin',
    adminRoles: ADMIN_ROLES,
    summary: 'User 360 view',
    source: 'API_CONTRACT §6',
    requirementIds: ['V1-FR-OPS-004'],
    request: { params: userIdParamsSchema },
    responses: { 200: user360ResponseSchema },
    errors: ['NOT_FOUND'],
  }),
  defineEndpoint({
    id: 'admin.adjustQuota',
    method: 'PATCH',
    path: '/api/v1/admin/quota/:user_id',
    auth: 'admin',
    adminRoles: ['SUPER_ADMIN', 'SUPPORT'],
    summary: 'Manual quota refund or deduction',
    source: 'API_CONTRACT §6',
    requirementIds: ['V1-FR-OPS-003'],
    request: { params: userIdParamsSchema, body: adjustQuotaRequestSchema },
    responses: { 200: adjustQuotaResponseSchema },
    errors: ['NOT_FOUND'],
  }),
  defineEndpoint({
    id: 'admin.killSwitch',
    method: 'POST',
    path: '/api/v1/admin/kill-switch',
    auth: 'admin',
    // Union of both scopes; `killSwitchRoles(scope)` narrows GLOBAL to SUPER_ADMIN/ENGINEER.
    adminRoles: ADMIN_ROLES,
    summary: 'Global or per-user kill switch',
    source: 'API_CONTRACT §6',
    requirementIds: ['V1-FR-OPS-002'],
    request: { body: killSwitchRequestSchema },
    responses: { 200: killSwitchResponseSchema },
    errors: ['NOT_FOUND'],
  }),
  defineEndpoint({
    id: 'admin.getConfig',
    method: 'GET',
    path: '/api/v1/admin/config',
    auth: 'admin',
    adminRoles: OPS,
    summary: 'All dynamic configuration entries',
    source: 'API_CONTRACT §6',
    requirementIds: ['V1-FR-OPS-001', 'V1-FR-ROUTE-004'],
    request: {},
    responses: { 200: configListResponseSchema },
  }),
  defineEndpoint({
    id: 'admin.putConfig',
    method: 'PUT',
    path: '/api/v1/admin/config/:key',
    auth: 'admin',
    // `configKeyRoles(key)` narrows `*.api_key_ref` to SUPER_ADMIN.
    adminRoles: OPS,
    summary: 'Update one dynamic config value',
    source: 'API_CONTRACT §6',
    requirementIds: ['V1-FR-OPS-001', 'V1-FR-ROUTE-004'],
    request: { params: configKeyParamsSchema, body: putConfigRequestSchema },
    responses: { 200: putConfigResponseSchema },
  }),
  defineEndpoint({
    id: 'admin.enrolTotp',
    method: 'POST',
    path: '/api/v1/admin/accounts/:admin_id/totp',
    auth: 'admin',
    adminRoles: SUPER,
    summary: 'Issue or replace the TOTP second factor of an admin account',
    source: 'ADDITIONS.md (DB_SCHEMA §19 mandatory 2FA)',
    requirementIds: ['V1-FR-OPS-001'],
    request: { params: adminIdParamsSchema },
    responses: { 200: adminTotpResponseSchema },
    errors: ['NOT_FOUND'],
  }),
  defineEndpoint({
    id: 'admin.auditEvents',
    method: 'GET',
    path: '/api/v1/admin/audit-events',
    auth: 'admin',
    // `scope=ALL` narrows to SUPER_ADMIN/ENGINEER (DB_SCHEMA §19 "View audit log (all users)").
    adminRoles: ADMIN_ROLES,
    summary: 'Audit log viewer: all events, or the caller\'s own actions',
    source: 'ADDITIONS.md (DB_SCHEMA §19 audit log rows)',
    requirementIds: ['V1-FR-OBS-001', 'V1-FR-OPS-003'],
    request: { query: adminAuditQuerySchema },
    responses: { 200: adminAuditResponseSchema },
  }),
  defineEndpoint({
    id: 'admin.health',
    method: 'GET',
    path: '/api/v1/admin/health',
    auth: 'admin',
    adminRoles: OPS,
    summary: 'System health dashboard',
    source: 'API_CONTRACT §6',
    requirementIds: ['V1-FR-OPS-004'],
    request: {},
    responses: { 200: adminHealthResponseSchema },
  }),
];
