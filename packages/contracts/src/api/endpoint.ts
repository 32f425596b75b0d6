/**
 * @module The shape of one entry of the endpoint registry and `defineEndpoint`, which derives
 * the error responses every route shares from the route's own facts (auth, path parameters,
 * admin roles) so no entry can forget them.
 */
import { z } from 'zod';
import { apiError, ERROR_CATALOGUE, errorBodySchemaFor, type ErrorCode } from '../errors';
import type { AdminRole } from './common';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * `user`: product JWT (API_CONTRACT §1). `admin`: opaque `admin_sessions` token (§6).
 * `webhook`: gateway signature, no bearer token (§5 payment, §8 GitHub).
 */
export type EndpointAuth = 'none' | 'user' | 'admin' | 'webhook';

/** `null`: the status carries no body (204, 302, webhook acknowledgements). */
export type ResponseSchema = z.ZodType | null;

export type EndpointRequest = {
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  headers?: z.ZodObject;
};

export type Endpoint = {
  /** Stable operation id, `<section>.<action>`; the OpenAPI `operationId`. */
  id: string;
  method: HttpMethod;
  /** Fastify style: `/api/v1/jobs/:job_id`. */
  path: string;
  auth: EndpointAuth;
  /** Roles allowed by §6; absent on admin routes open to every role. */
  adminRoles?: readonly AdminRole[];
  /** Extra permission scope a user token must hold (§10 audit export). */
  permission?: string;
  summary: string;
  /** Where it is defined: `API_CONTRACT §4` or `ADDITIONS.md` (ARCHITECTURE D5/D6). */
  source: string;
  requirementIds: readonly string[];
  request: EndpointRequest;
  /** Success and error bodies by status. Error statuses hold a union of per-code bodies. */
  responses: Record<number, ResponseSchema>;
  /** Error codes this route may answer with, documented plus shared; the source of the error statuses. */
  errorCodes: readonly ErrorCode[];
  /**
   * Body fields whose validation failure is reported with a specific code instead of
   * `VALIDATION_FAILED` (e.g. §2 `password` -> `WEAK_PASSWORD`).
   */
  fieldErrorCodes?: Readonly<Partial<Record<string, ErrorCode>>>;
  /** Server-sent events: the schema of one `data:` payload (§4 logs stream). */
  sse?: z.ZodType;
};

export type EndpointInput = Omit<Endpoint, 'responses' | 'errorCodes'> & {
  /** Success responses only. */
  responses: Record<number, ResponseSchema>;
  /** Codes named by the contract for this route (or by ADDITIONS.md). */
  errors?: readonly ErrorCode[];
};

/** Codes every route of a kind can return, whatever its section says (§12, §13 invariants 2 and 4). */
function sharedErrors(e: EndpointInput): ErrorCode[] {
  const codes: ErrorCode[] = ['RATE_LIMITED', 'INTERNAL_ERROR'];
  const hasInput = e.request.params ?? e.request.query ?? e.request.body ?? e.request.headers;
  if (hasInput) codes.push('VALIDATION_FAILED');
  if (e.auth === 'user' || e.auth === 'admin') codes.push('INVALID_CREDENTIALS', 'TOKEN_EXPIRED');
  if (e.auth === 'webhook') codes.push('INVALID_CREDENTIALS');
  if (e.adminRoles) codes.push('ROLE_INSUFFICIENT');
  if (e.permission) codes.push('FORBIDDEN');
  // An admin session opened with a temporary password may only change it (PASSWORD_CHANGE_REQUIRED).
  if (e.auth === 'admin') codes.push('FORBIDDEN');
  if (e.path.includes(':job_id')) codes.push('JOB_NOT_FOUND', 'JOB_OWNERSHIP_VIOLATION');
  return codes;
}

/** One schema per status: the code's own body, or a union when several codes share the status. */
export function errorResponses(codes: readonly ErrorCode[]): Record<number, z.ZodType> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_CATALOGUE[code].httpStatus as number;
    const list = byStatus.get(status) ?? [];
    if (!list.includes(code)) list.push(code);
    byStatus.set(status, list);
  }
  const out: Record<number, z.ZodType> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    const schemas = list.map((code) => errorBodySchemaFor(code));
    out[status] =
      schemas.length === 1
        ? schemas[0]!
        : z.discriminatedUnion('error_code', schemas as [z.ZodObject, z.ZodObject]);
  }
  return out;
}

/**
 * Completes an entry: documented codes plus shared ones, grouped into error responses.
 * @example defineEndpoint({ id: 'jobs.get', method: 'GET', path: '/api/v1/jobs/:job_id', auth: 'user', ... })
 */
export function defineEndpoint(e: EndpointInput): Endpoint {
  const { errors = [], ...rest } = e;
  const fieldCodes = Object.values(e.fieldErrorCodes ?? {}).filter(
    (c): c is ErrorCode => c !== undefined,
  );
  const errorCodes = [...new Set([...errors, ...fieldCodes, ...sharedErrors(e)])];
  const errorSchemas = errorResponses(errorCodes);
  for (const status of Object.keys(errorSchemas)) {
    if (status in e.responses)
      throw new Error(`${e.id}: status ${status} is both a success and an error response`);
  }
  return { ...rest, errorCodes, responses: { ...e.responses, ...errorSchemas } };
}

export type RequestPart = keyof EndpointRequest;

/**
 * Turns a failed request validation into the §12 envelope: the route's field-specific code when
 * the first failing body field has one (`fieldErrorCodes`), else `VALIDATION_FAILED`. The issues
 * go into `detail` as path/code/message only — never the rejected input, which may hold secrets.
 * @example validationError(endpointById('auth.register'), 'body', error) // { status: 400, body: { error_code: 'WEAK_PASSWORD', ... } }
 */
export function validationError(endpoint: Endpoint, part: RequestPart, error: z.ZodError) {
  const issues = error.issues.map((i) => ({
    path: i.path.map(String).join('.'),
    code: i.code,
    message: i.message,
  }));
  const field =
    part === 'body'
      ? error.issues
          .map((i) => i.path[0])
          .find((f): f is string => typeof f === 'string' && !!endpoint.fieldErrorCodes?.[f])
      : undefined;
  const code: ErrorCode = field ? endpoint.fieldErrorCodes![field]! : 'VALIDATION_FAILED';
  const first = issues[0];
  const message = first
    ? `invalid ${part}${first.path ? ` at ${first.path}` : ''}: ${first.message}`
    : `invalid ${part}`;
  return apiError(code as 'VALIDATION_FAILED', message, { detail: { part, issues } });
}
