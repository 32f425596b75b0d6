/**
 * @module Admin sessions (DB_SCHEMA §19, API_CONTRACT §6): opaque bearer tokens, stored only as
 * a SHA-256 (docs/db/ADDITIONS.md decision 8), 8 hours, no refresh, revoked on logout, on
 * suspension and on a password change.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '@iama/db';
import type { AdminRole } from '@iama/contracts';

export const ADMIN_SESSION_TTL_MS = 8 * 60 * 60 * 1000;
/** Distinguishes admin tokens from product JWTs in logs and leaked-secret scanners. */
const TOKEN_PREFIX = 'iama_adm_';

export function hashAdminToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function mintAdminToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export type AdminSession = {
  sessionId: string;
  adminId: string;
  email: string;
  role: AdminRole;
  status: string;
  lastLoginAt: Date | null;
  expiresAt: Date;
  revokedAt: Date | null;
  passwordChangeRequired: boolean;
};

export async function createAdminSession(
  db: Kysely<Database> | Transaction<Database>,
  input: { adminId: string; ip: string | null; userAgent: string | null; now: Date },
): Promise<{ token: string; expiresAt: Date }> {
  const token = mintAdminToken();
  const expiresAt = new Date(input.now.getTime() + ADMIN_SESSION_TTL_MS);
  await db
    .insertInto('admin_sessions')
    .values({
      admin_id: input.adminId,
      token_hash: hashAdminToken(token),
      ip_address: input.ip,
      user_agent: input.userAgent,
      expires_at: expiresAt,
    })
    .execute();
  return { token, expiresAt };
}

/** The session of a presented token with its account, or `null` when no such token was issued. */
export async function findAdminSession(
  db: Kysely<Database>,
  token: string,
): Promise<AdminSession | null> {
  const row = await db
    .selectFrom('admin_sessions as s')
    .innerJoin('admin_accounts as a', 'a.id', 's.admin_id')
    .leftJoin('admin_credentials as c', 'c.admin_id', 'a.id')
    .select([
      's.id',
      's.expires_at',
      's.revoked_at',
      'a.id as admin_id',
      'a.email',
      'a.role',
      'a.status',
      'a.last_login_at',
      'c.password_change_required',
    ])
    .where('s.token_hash', '=', hashAdminToken(token))
    .executeTakeFirst();
  if (!row) return null;
  return {
    sessionId: row.id,
    adminId: row.admin_id,
    email: row.email,
    role: row.role as AdminRole,
    status: row.status,
    lastLoginAt: row.last_login_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    passwordChangeRequired: row.password_change_required ?? false,
  };
}

/** Revokes every open session of an admin (suspension, deactivation, password change or reset). */
export async function revokeAdminSessions(
  db: Kysely<Database> | Transaction<Database>,
  adminId: string,
  exceptSessionId?: string,
): Promise<void> {
  let q = db
    .updateTable('admin_sessions')
    .set({ revoked_at: new Date() })
    .where('admin_id', '=', adminId)
    .where('revoked_at', 'is', null);
  if (exceptSessionId) q = q.where('id', '!=', exceptSessionId);
  await q.execute();
}
