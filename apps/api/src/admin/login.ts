/**
 * @module Admin login (API_CONTRACT §6, DB_SCHEMA §19): email + password + TOTP code. The code
 * travels in the `X-IAMA-OTP` header (docs/api/ADDITIONS.md), as GitHub's API does for 2FA,
 * because §6's body has no place for it. Every outcome is audited; a wrong password, an
 * unknown email and a wrong code all answer `INVALID_CREDENTIALS`, and the account status is
 * only revealed to a caller who knew the password.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '@iama/db';
import type { AdminLoginResponse, AdminRole } from '@iama/contracts';
import { ApiError } from '../errors';
import { dummyPasswordHash, verifyPassword } from '../auth/password';
import { writeAdminAudit } from './audit';
import { createAdminSession } from './sessions';
import { verifyTotp } from './totp';
import { openTotpSecret } from './totp-vault';

export type LoginInput = {
  email: string;
  password: string;
  otp: string | null;
  ip: string | null;
  userAgent: string | null;
  nowMs: number;
  /** `IAMA_ADMIN_TOTP_KEY`, when secrets are sealed at rest. */
  totpKey?: Buffer | null;
};

export async function adminLogin(
  db: Kysely<Database>,
  input: LoginInput,
): Promise<AdminLoginResponse> {
  const email = input.email.trim().toLowerCase();
  const account = await db
    .selectFrom('admin_accounts as a')
    .leftJoin('admin_credentials as c', 'c.admin_id', 'a.id')
    .select([
      'a.id',
      'a.role',
      'a.status',
      'a.password_hash',
      'c.totp_secret',
      'c.totp_last_step',
      'c.temporary_password_expires_at',
    ])
    .where('a.email', '=', email)
    .executeTakeFirst();
  const fail = async (reason: string, adminId: string | null): Promise<never> => {
    await writeAdminAudit(db, {
      actor: null,
      eventType: 'admin.login_failed',
      ip: input.ip,
      metadata: { reason, ...(adminId ? { attempted_admin_id: adminId } : {}) },
    });
    const detail =
      reason === 'OTP_REQUIRED'
        ? { otp: 'required' }
        : reason === 'OTP_INVALID'
          ? { otp: 'invalid' }
          : undefined;
    throw new ApiError('INVALID_CREDENTIALS', 'Invalid admin credentials', detail);
  };
  if (!account) {
    await verifyPassword(await dummyPasswordHash(), input.password);
    return fail('UNKNOWN_EMAIL', null);
  }
  await refuseWhileLockedOut(db, account.id);
  if (!(await verifyPassword(account.password_hash, input.password)))
    return fail('WRONG_PASSWORD', account.id);
  if (
    account.temporary_password_expires_at &&
    account.temporary_password_expires_at.getTime() <= input.nowMs
  ) {
    return fail('TEMPORARY_PASSWORD_EXPIRED', account.id);
  }
  if (account.status === 'SUSPENDED') {
    await writeAdminAudit(db, {
      actor: null,
      eventType: 'admin.login_failed',
      ip: input.ip,
      metadata: { reason: 'ACCOUNT_SUSPENDED', attempted_admin_id: account.id },
    });
    throw new ApiError('ACCOUNT_SUSPENDED', 'Admin account is suspended');
  }
  if (account.status !== 'ACTIVE') {
    await writeAdminAudit(db, {
      actor: null,
      eventType: 'admin.login_failed',
      ip: input.ip,
      metadata: { reason: 'ACCOUNT_DEACTIVATED', attempted_admin_id: account.id },
    });
    throw new ApiError('ACCOUNT_DEACTIVATED', 'Admin account is deactivated');
  }
  if (!account.totp_secret) {
    await writeAdminAudit(db, {
      actor: null,
      eventType: 'admin.login_failed',
      ip: input.ip,
      metadata: { reason: 'TOTP_NOT_ENROLLED', attempted_admin_id: account.id },
    });
    throw new ApiError(
      'FORBIDDEN',
      'No second factor is enrolled; a SUPER_ADMIN must issue one',
      undefined,
      { denial_reason: 'TOTP_NOT_ENROLLED' },
    );
  }
  if (!input.otp) return fail('OTP_REQUIRED', account.id);
  const step = verifyTotp(
    openTotpSecret(account.totp_secret, input.totpKey ?? null),
    input.otp,
    input.nowMs,
  );
  // A code is accepted once: a step at or before the last accepted one is a replay.
  if (step === null || (account.totp_last_step !== null && step <= BigInt(account.totp_last_step)))
    return fail('OTP_INVALID', account.id);

  const now = new Date(input.nowMs);
  return db.transaction().execute(async (trx) => {
    // Guarded update: two concurrent logins with the same code cannot both pass.
    const claimed = await trx
      .updateTable('admin_credentials')
      .set({ totp_last_step: step.toString(), updated_at: now })
      .where('admin_id', '=', account.id)
      .where((eb) =>
        eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step.toString())]),
      )
      .executeTakeFirst();
    if (claimed.numUpdatedRows === 0n)
      throw new ApiError('INVALID_CREDENTIALS', 'Invalid admin credentials', { otp: 'invalid' });
    await trx
      .updateTable('admin_accounts')
      .set({ last_login_at: now, updated_at: now })
      .where('id', '=', account.id)
      .execute();
    const session = await createAdminSession(trx, {
      adminId: account.id,
      ip: input.ip,
      userAgent: input.userAgent,
      now,
    });
    const role = account.role as AdminRole;
    await writeAdminAudit(trx, {
      actor: { adminId: account.id, role },
      eventType: 'admin.login',
      ip: input.ip,
      metadata: { expires_at: session.expiresAt.toISOString() },
    });
    return {
      token: session.token,
      admin_id: account.id,
      role,
      expires_at: session.expiresAt.toISOString(),
    };
  });
}

/** Failed logins of one account tolerated per window before it is locked out. */
export const ADMIN_LOGIN_MAX_FAILURES = 10;
export const ADMIN_LOGIN_LOCKOUT_MINUTES = 15;

/**
 * Brute-force guard: a 6-digit code behind a known password falls to unlimited guessing, so an
 * account with `ADMIN_LOGIN_MAX_FAILURES` failed logins in the window answers 429
 * `RATE_LIMITED` until the oldest of them leaves it. Counted from the audit rows, so every API
 * instance sees the same count; database time, so app clocks do not matter.
 */
async function refuseWhileLockedOut(db: Kysely<Database>, adminId: string): Promise<void> {
  const row = await db
    .selectFrom('audit_events')
    .select([
      sql<string>`count(*)`.as('failures'),
      sql<Date | null>`min(created_at) + make_interval(mins => ${ADMIN_LOGIN_LOCKOUT_MINUTES})`.as(
        'until',
      ),
    ])
    .where('event_type', '=', 'admin.login_failed')
    .where(sql<boolean>`metadata->>'attempted_admin_id' = ${adminId}`)
    .where(sql<boolean>`created_at > now() - make_interval(mins => ${ADMIN_LOGIN_LOCKOUT_MINUTES})`)
    .executeTakeFirstOrThrow();
  if (Number(row.failures) < ADMIN_LOGIN_MAX_FAILURES || !row.until) return;
  const until = new Date(row.until).toISOString();
  throw new ApiError(
    'RATE_LIMITED',
    'Too many failed logins for this account; try again later',
    { scope: 'admin_login' },
    { retry_after: until },
  );
}
