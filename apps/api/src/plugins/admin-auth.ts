/**
 * @module Operator authentication (API_CONTRACT §6, DB_SCHEMA §19, invariant 18): admin routes
 * carry an opaque `admin_sessions` token, never a product JWT. `requireAdmin(req, permission)`
 * resolves the session and enforces the §19 matrix of `admin/rbac.ts`; every admin route calls
 * it first, so a route without it cannot exist by accident (the product auth hook lets `admin`
 * routes through to here).
 */
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';
import { ApiError } from '../errors';
import { can, requiredRole, type AdminPermission } from '../admin/rbac';
import { findAdminSession, type AdminSession } from '../admin/sessions';
import { bearerToken } from './auth';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `requireAdmin`. */
    admin: AdminSession | null;
  }
  interface FastifyInstance {
    adminDb: Kysely<Database>;
    /** Milliseconds since the epoch; injectable so tests can expire sessions deterministically. */
    adminClock: () => number;
    /** Key sealing TOTP secrets at rest, or `null`. */
    adminTotpKey: Buffer | null;
  }
}

export type AdminAuthOptions = {
  db: Kysely<Database>;
  now?: () => number;
  totpKey?: Buffer | null;
};

export type RequireAdminOptions = {
  /** Own-password change, `me` and logout stay usable while a password change is pending. */
  allowPendingPasswordChange?: boolean;
};

/**
 * The operator behind the request, authorised for `permission` (omit it for routes open to
 * every role). 401 `INVALID_CREDENTIALS` without a live session (a product JWT is not one),
 * 401 `TOKEN_EXPIRED` after 8 h, 403 `ROLE_INSUFFICIENT` with `required_role` outside the matrix.
 * @example const admin = await requireAdmin(req, 'quota.adjust');
 */
export async function requireAdmin(
  req: FastifyRequest,
  permission?: AdminPermission,
  opts: RequireAdminOptions = {},
): Promise<AdminSession> {
  const token = bearerToken(req);
  if (!token) throw new ApiError('INVALID_CREDENTIALS', 'Missing admin session token');
  const session = await findAdminSession(req.server.adminDb, token);
  if (!session || session.revokedAt)
    throw new ApiError('INVALID_CREDENTIALS', 'Not a valid admin session');
  if (session.expiresAt.getTime() <= req.server.adminClock())
    throw new ApiError('TOKEN_EXPIRED', 'Admin session expired; log in again');
  if (session.status === 'SUSPENDED')
    throw new ApiError('ACCOUNT_SUSPENDED', 'Admin account is suspended');
  if (session.status !== 'ACTIVE')
    throw new ApiError('ACCOUNT_DEACTIVATED', 'Admin account is deactivated');
  if (session.passwordChangeRequired && !opts.allowPendingPasswordChange) {
    throw new ApiError(
      'FORBIDDEN',
      'Change the temporary password first (PATCH /api/v1/admin/auth/me/password)',
      undefined,
      {
        denial_reason: 'PASSWORD_CHANGE_REQUIRED',
      },
    );
  }
  if (permission && !can(session.role, permission)) {
    const role = requiredRole(permission);
    throw new ApiError(
      'ROLE_INSUFFICIENT',
      `${permission} requires ${role} or higher`,
      { permission },
      { required_role: role },
    );
  }
  req.admin = session;
  return session;
}

async function adminAuthPlugin(app: FastifyInstance, opts: AdminAuthOptions): Promise<void> {
  app.decorate('adminDb', opts.db);
  app.decorate('adminClock', opts.now ?? Date.now);
  app.decorate('adminTotpKey', opts.totpKey ?? null);
  app.decorateRequest('admin', null);
}

export default fp(adminAuthPlugin, { name: 'iama-admin-auth', fastify: '5.x' });
