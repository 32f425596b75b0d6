/**
 * @module The one error catalogue of the API (API_CONTRACT §12) and the envelope every error
 * response uses. Codes come from §12's table, from the per-endpoint `error_code` lines of
 * §2-§10, from the PRD where it names a machine-readable code, and from docs/api/ADDITIONS.md.
 * Invariant 4 of §13 (every 403 has `denial_reason`) and ARCHITECTURE §5 (every 429 carries
 * retry metadata) are enforced by the schemas, not by convention.
 */
import { z } from 'zod';
import { adminRoleSchema, isoDateTime } from './api/common';
import type { StartGateDenial } from './tiers/credits';

type CatalogueEntry = { readonly httpStatus: number; readonly retryable?: true };

/**
 * Code -> HTTP status. `retryable` marks codes where the identical request can succeed later
 * without the user changing anything (after `retry_after`, or after a transient fault).
 */
export const ERROR_CATALOGUE = {
  // §12 core table, in its order
  INVALID_CREDENTIALS: { httpStatus: 401 },
  TOKEN_EXPIRED: { httpStatus: 401 },
  REFRESH_TOKEN_EXPIRED: { httpStatus: 401 },
  FORBIDDEN: { httpStatus: 403 },
  JOB_OWNERSHIP_VIOLATION: { httpStatus: 403 },
  ENTITLEMENT_DENIED: { httpStatus: 403 },
  ENTITLEMENT_INSUFFICIENT: { httpStatus: 403 },
  ENTITLEMENT_DENIED_PHASE: { httpStatus: 403 },
  QUOTA_EXCEEDED_DAILY: { httpStatus: 429, retryable: true },
  QUOTA_EXCEEDED_MONTHLY: { httpStatus: 429, retryable: true },
  QUOTA_RESERVATION_FAILED: { httpStatus: 409, retryable: true },
  RATE_LIMITED: { httpStatus: 429, retryable: true },
  SPEC_REVISION_CONFLICT: { httpStatus: 409 },
  REMOTE_HEAD_CONFLICT: { httpStatus: 409 },
  SYNC_APPLY_CONFLICT: { httpStatus: 409 },
  POST_COMMIT_REVERT_BLOCKED: { httpStatus: 409 },
  REPO_SIZE_LIMIT_EXCEEDED: { httpStatus: 422 },
  PATH_SCOPE_REQUIRED: { httpStatus: 422 },
  ESCALATION_CONFIRMATION_TIMEOUT: { httpStatus: 408 },
  HEARTBEAT_SESSION_INVALID: { httpStatus: 404 },
  INSUFFICIENT_FUNDS: { httpStatus: 402 },
  ENTITLEMENT_ENTERPRISE_ONLY: { httpStatus: 403 },
  SIGNED_COMMIT_REQUIRED: { httpStatus: 422 },
  // per-endpoint codes of §2-§10
  INVALID_EMAIL: { httpStatus: 400 },
  WEAK_PASSWORD: { httpStatus: 400 },
  // §2 lists it under 400, §6 under 409; one status per code, the conflict one (ADDITIONS.md).
  EMAIL_ALREADY_EXISTS: { httpStatus: 409 },
  REFRESH_TOKEN_INVALID: { httpStatus: 401 },
  JOB_NOT_FOUND: { httpStatus: 404 },
  QUOTA_EXHAUSTED: { httpStatus: 429, retryable: true },
  ACCOUNT_SUSPENDED: { httpStatus: 403 },
  ACCOUNT_DEACTIVATED: { httpStatus: 403 },
  CURRENT_PASSWORD_INCORRECT: { httpStatus: 400 },
  CANNOT_MODIFY_OWN_ACCOUNT: { httpStatus: 403 },
  CANNOT_MODIFY_LAST_SUPER_ADMIN: { httpStatus: 403 },
  ROLE_INSUFFICIENT: { httpStatus: 403 },
  // §8: a workflow failure reason; surfaced as an upstream failure if a request hits it.
  GITHUB_TOKEN_REFRESH_FAILED: { httpStatus: 502 },
  // PRD codes (V1-FR-SBX-006) and the generic codes of docs/api/ADDITIONS.md
  LOCAL_NATIVE_NO_VCS_CHECKPOINT: { httpStatus: 409 },
  VALIDATION_FAILED: { httpStatus: 400 },
  NOT_FOUND: { httpStatus: 404 },
  JOB_STATE_CONFLICT: { httpStatus: 409 },
  INTERNAL_ERROR: { httpStatus: 500, retryable: true },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as [ErrorCode, ...ErrorCode[]];

type StatusOf<C extends ErrorCode> = (typeof ERROR_CATALOGUE)[C]['httpStatus'];
type CodesWithStatus<S extends number> = {
  [C in ErrorCode]: StatusOf<C> extends S ? C : never;
}[ErrorCode];
export type ForbiddenErrorCode = CodesWithStatus<403>;
export type TooManyRequestsErrorCode = CodesWithStatus<429>;

/**
 * @example isErrorCode('JOB_NOT_FOUND') // true
 * @example isErrorCode('CANCELLED') // false
 */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CATALOGUE, value);
}

/** @example httpStatusOf('SPEC_REVISION_CONFLICT') // 409 */
export function httpStatusOf<C extends ErrorCode>(code: C): StatusOf<C> {
  return ERROR_CATALOGUE[code].httpStatus as StatusOf<C>;
}

/** `denial_reason` values the spec names (API_CONTRACT §4, V1-FR-SUB-005) or ADDITIONS.md records. */
export const DENIAL_REASONS = [
  'EXECUTION_ENVIRONMENT_NOT_ENTITLED',
  'ENTERPRISE_TIER_REQUIRED',
  'DAILY_JOB_LIMIT_REACHED',
  'INSUFFICIENT_MONTHLY_BALANCE',
  'KILL_SWITCH_ACTIVE',
  'TOTP_NOT_ENROLLED',
  'PASSWORD_CHANGE_REQUIRED',
] as const;
export type DenialReason = (typeof DENIAL_REASONS)[number];
/** Compile-time link to the start gate of the tier module: its denials must be denial reasons here. */
const _startGateDenials: readonly DenialReason[] = [] as StartGateDenial[];

const upperSnake = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected UPPER_SNAKE_CASE');

/** Top-level fields particular to one code, exactly where §4, §6, §8 and §9 place them. */
const CODE_FIELDS = {
  // §4 names the contract code; the PRD's reason code (V1-FR-SUB-005) rides along as denial_reason.
  QUOTA_EXCEEDED_DAILY: {
    denial_reason: z.literal('DAILY_JOB_LIMIT_REACHED').default('DAILY_JOB_LIMIT_REACHED'),
  },
  QUOTA_EXCEEDED_MONTHLY: {
    denial_reason: z
      .literal('INSUFFICIENT_MONTHLY_BALANCE')
      .default('INSUFFICIENT_MONTHLY_BALANCE'),
  },
  QUOTA_RESERVATION_FAILED: { denial_reason: upperSnake },
  SPEC_REVISION_CONFLICT: {
    current_revision_token: z.string().min(1),
    diff_payload: z.record(z.string(), z.unknown()),
  },
  POST_COMMIT_REVERT_BLOCKED: { reverse_patch_url: z.string().min(1) },
  ROLE_INSUFFICIENT: { required_role: adminRoleSchema },
  REMOTE_HEAD_CONFLICT: {
    current_head_sha: z.string().min(1),
    job_start_head_sha: z.string().min(1),
    recovery_options: z.array(z.enum(['AUTO_REBASE', 'MANUAL_RESOLVE'])).min(1),
  },
  SYNC_APPLY_CONFLICT: {
    overlapping_files: z.array(z.string()),
    conflict_resolution_options: z.array(z.string()),
    segment: z.enum(['A', 'B_C']),
  },
} satisfies Partial<Record<ErrorCode, z.ZodRawShape>>;
type CodeFields = typeof CODE_FIELDS;

const baseFields = {
  message: z.string().min(1),
  /** §12: optional structured context. */
  detail: z.record(z.string(), z.unknown()).optional(),
};
/** Every 403 (§13 invariant 4). */
const forbiddenFields = { denial_reason: upperSnake };
/** Every 429 (ARCHITECTURE §5, PRD V1 §10 item 14); `reset_at` is the PRD's name (V1-FR-SUB-005). */
const retryFields = { retry_after: isoDateTime(), reset_at: isoDateTime() };

function fieldsFor(code: ErrorCode): z.ZodRawShape {
  const status = ERROR_CATALOGUE[code].httpStatus as number;
  return {
    ...baseFields,
    ...(status === 403 ? forbiddenFields : {}),
    ...(status === 429 ? retryFields : {}),
    ...((CODE_FIELDS as Partial<Record<ErrorCode, z.ZodRawShape>>)[code] ?? {}),
  };
}

const perCode = new Map<ErrorCode, z.ZodObject>();
/**
 * The exact body of one code, memoised so every endpoint shares one schema object per code
 * (the OpenAPI generator turns each into one component).
 * @example errorBodySchemaFor('JOB_NOT_FOUND').parse({ error_code: 'JOB_NOT_FOUND', message: 'no such job' })
 */
export function errorBodySchemaFor(code: ErrorCode): z.ZodObject {
  let schema = perCode.get(code);
  if (!schema) {
    schema = z.strictObject({ error_code: z.literal(code), ...fieldsFor(code) });
    perCode.set(code, schema);
  }
  return schema;
}

/**
 * The §12 envelope for any code: `error_code`, `message`, optional `detail`, plus whatever the
 * code requires. Unknown extra fields are rejected so clients can rely on the shape.
 */
export const errorEnvelopeSchema = z
  .looseObject({
    error_code: z.enum(ERROR_CODES),
    message: z.string().min(1),
    detail: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((value, ctx) => {
    const result = errorBodySchemaFor(value.error_code).safeParse(value);
    if (!result.success)
      for (const issue of result.error.issues)
        ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  });
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema> & {
  denial_reason?: string;
  retry_after?: string;
  reset_at?: string;
};

type Empty = Record<never, never>;
/** What `apiError` needs beyond code and message, per code. */
export type ErrorExtra<C extends ErrorCode> = {
  detail?: Record<string, unknown>;
} & (C extends ForbiddenErrorCode ? { denial_reason?: string } : Empty) &
  (C extends TooManyRequestsErrorCode ? { retry_after: string; reset_at?: string } : Empty) &
  (C extends keyof CodeFields ? z.input<z.ZodObject<CodeFields[C]>> : Empty);

type RequiresExtra<C extends ErrorCode> = C extends TooManyRequestsErrorCode | keyof CodeFields
  ? true
  : false;

export type ApiErrorResult<C extends ErrorCode> = {
  status: StatusOf<C>;
  body: ErrorEnvelope & { error_code: C };
};

/**
 * Builds a validated error response. A 403 without an explicit `denial_reason` gets the code
 * itself, which keeps invariant 4 true for generic denials such as `JOB_OWNERSHIP_VIOLATION`;
 * a 429 without `reset_at` gets `retry_after` (the same instant under the PRD's name).
 * Throws if `extra` lacks what the code requires — that is a programming error, not user input.
 * @example apiError('QUOTA_EXCEEDED_DAILY', 'daily job limit reached', { retry_after: '2026-01-02T00:00:00Z', denial_reason: 'DAILY_JOB_LIMIT_REACHED' })
 */
export function apiError<C extends ErrorCode>(
  code: C,
  message: string,
  ...extra: RequiresExtra<C> extends true ? [ErrorExtra<C>] : [ErrorExtra<C>?]
): ApiErrorResult<C> {
  const status = httpStatusOf(code);
  const fields: Record<string, unknown> = { ...(extra[0] ?? {}) };
  if (status === 403 && fields.denial_reason === undefined) fields.denial_reason = code;
  if (status === 429 && fields.reset_at === undefined) fields.reset_at = fields.retry_after;
  const body = errorBodySchemaFor(code).parse({
    error_code: code,
    message,
    ...fields,
  }) as ApiErrorResult<C>['body'];
  return { status, body };
}
