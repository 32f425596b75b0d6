/**
 * @module Admin account management (API_CONTRACT §6; SUPER_ADMIN only per DB_SCHEMA §19):
 * list, create (ENGINEER / SUPPORT only: SUPER_ADMIN is bootstrap-only), change role or status,
 * force a password reset, issue a TOTP secret; and every role's own password change. Each
 * action is one transaction that also writes its audit row.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';
import type {
  AdminAccountsResponse,
  AdminRole,
  CreateAdminAccountRequest,
  CreateAdminAccountResponse,
  ResetAdminPasswordResponse,
  UpdateAdminAccountRequest,
  UpdateAdminAccountResponse,
} from '@iama/contracts';
import { ApiError } from '../errors';
import { hashPassword, verifyPassword } from '../auth/password';
import { writeAdminAudit, type AdminActor } from './audit';
import { revokeAdminSessions, type AdminSession } from './sessions';
import { generateTotpSecret, otpauthUri } from './totp';
import { sealTotpSecret } from './totp-vault';

export const TEMPORARY_PASSWORD_TTL_MS = 24 * 60 * 60 * 1000;

const actorOf = (s: AdminSession): AdminActor => ({ adminId: s.adminId, role: s.role });

export async function listAdminAccounts(db: Kysely<Database>): Promise<AdminAccountsResponse> {
  const rows = await db
    .selectFrom('admin_accounts')
    .select(['id', 'email', 'role', 'status', 'last_login_at', 'created_at'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return {
    accounts: rows.map((r) => ({
      admin_id: r.id,
      email: r.email,
      role: r.role as AdminRole,
      status: r.status as 'ACTIVE' | 'SUSPENDED' | 'DEACTIVATED',
      last_login_at: r.last_login_at?.toISOString() ?? null,
      created_at: r.created_at.toISOString(),
    })),
  };
}

export async function createAdminAccount(
  db: Kysely<Database>,
  by: AdminSession,
  body: CreateAdminAccountRequest,
  ip: string | null,
): Promise<CreateAdminAccountResponse> {
  const email = body.email.toLowerCase();
  const passwordHash = await hashPassword(body.password);
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('admin_accounts')
      .values({
        email,
        password_hash: passwordHash,
        role: body.role,
        status: 'ACTIVE',
        created_by: by.adminId,
      })
      .onConflict((oc) => oc.column('email').doNothing())
      .returning(['id', 'created_at'])
      .executeTakeFirst();
    if (!row) throw new ApiError('EMAIL_ALREADY_EXISTS', 'An admin account with this email exists');
    // §6: the initial password is chosen by the creator, so the new admin must replace it.
    await trx
      .insertInto('admin_credentials')
      .values({ admin_id: row.id, password_change_required: true })
      .execute();
    await writeAdminAudit(trx, {
      actor: actorOf(by),
      eventType: 'admin.account_created',
      newState: 'ACTIVE',
      ip,
      metadata: { subject_admin_id: row.id, role: body.role },
    });
    return { admin_id: row.id, email, role: body.role, created_at: row.created_at.toISOString() };
  });
}

export async function updateAdminAccount(
  db: Kysely<Database>,
  by: AdminSession,
  adminId: string,
  body: UpdateAdminAccountRequest,
  ip: string | null,
): Promise<UpdateAdminAccountResponse> {
  if (adminId === by.adminId)
    throw new ApiError(
      'CANNOT_MODIFY_OWN_ACCOUNT',
      'An admin cannot change their own role or status',
    );
  return db.transaction().execute(async (trx) => {
    // Serialises concurrent changes to SUPER_ADMINs so the last one cannot be removed by a race.
    await trx
      .selectFrom('admin_accounts')
      .select('id')
      .where('role', '=', 'SUPER_ADMIN')
      .forUpdate()
      .execute();
    const target = await trx
      .selectFrom('admin_accounts')
      .select(['id', 'role', 'status'])
      .where('id', '=', adminId)
      .forUpdate()
      .executeTakeFirst();
    if (!target) throw new ApiError('NOT_FOUND', 'No admin account with this id');
    const role = body.role ?? (target.role as AdminRole);
    const status = body.status ?? target.status;
    const losesSuper =
      target.role === 'SUPER_ADMIN' &&
      target.status === 'ACTIVE' &&
      (role !== 'SUPER_ADMIN' || status !== 'ACTIVE');
    if (losesSuper) {
      const others = await trx
        .selectFrom('admin_accounts')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('role', '=', 'SUPER_ADMIN')
        .where('status', '=', 'ACTIVE')
        .where('id', '!=', adminId)
        .executeTakeFirstOrThrow();
      if (Number(others.n) === 0)
        throw new ApiError(
          'CANNOT_MODIFY_LAST_SUPER_ADMIN',
          'The last active SUPER_ADMIN cannot be demoted or disabled',
        );
    }
    await trx
      .updateTable('admin_accounts')
      .set({ role, status, updated_at: new Date() })
      .where('id', '=', adminId)
      .execute();
    if (status !== 'ACTIVE') await revokeAdminSessions(trx, adminId);
    const auditEventId = await writeAdminAudit(trx, {
      actor: actorOf(by),
      eventType: 'admin.account_updated',
      oldState: `${target.role}/${target.status}`,
      newState: `${role}/${status}`,
      ip,
      metadata: { subject_admin_id: adminId, reason: body.reason },
    });
    return {
      admin_id: adminId,
      role,
      status: status as UpdateAdminAccountResponse['status'],
      audit_event_id: auditEventId,
    };
  });
}

/** 20 random bytes as base64url: 27 characters, above §6's 12-character minimum. */
function temporaryPassword(): string {
  return randomBytes(20).toString('base64url');
}

export async function resetAdminPassword(
  db: Kysely<Database>,
  by: AdminSession,
  adminId: string,
  ip: string | null,
  nowMs: number,
): Promise<ResetAdminPasswordResponse> {
  const password = temporaryPassword();
  const passwordHash = await hashPassword(password);
  const expiresAt = new Date(nowMs + TEMPORARY_PASSWORD_TTL_MS);
  return db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('admin_accounts')
      .set({ password_hash: passwordHash, updated_at: new Date(nowMs) })
      .where('id', '=', adminId)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n)
      throw new ApiError('NOT_FOUND', 'No admin account with this id');
    await trx
      .insertInto('admin_credentials')
      .values({
        admin_id: adminId,
        password_change_required: true,
        temporary_password_expires_at: expiresAt,
      })
      .onConflict((oc) =>
        oc.column('admin_id').doUpdateSet({
          password_change_required: true,
          temporary_password_expires_at: expiresAt,
          updated_at: new Date(nowMs),
        }),
      )
      .execute();
    await revokeAdminSessions(trx, adminId);
    const auditEventId = await writeAdminAudit(trx, {
      actor: actorOf(by),
      eventType: 'admin.password_reset',
      ip,
      metadata: { subject_admin_id: adminId, temporary_expires_at: expiresAt.toISOString() },
    });
    return { temporary_password: password, audit_event_id: auditEventId };
  });
}

export type TotpEnrolment = { totp_secret: string; otpauth_uri: string; audit_event_id: string };

/** Issues (or replaces, e.g. after a lost device) the second factor of an account. */
export async function enrolAdminTotp(
  db: Kysely<Database>,
  by: AdminSession,
  adminId: string,
  ip: string | null,
  totpKey: Buffer | null = null,
): Promise<TotpEnrolment> {
  const secret = generateTotpSecret();
  const stored = sealTotpSecret(secret, totpKey);
  return db.transaction().execute(async (trx) => {
    const target = await trx
      .selectFrom('admin_accounts')
      .select(['id', 'email'])
      .where('id', '=', adminId)
      .executeTakeFirst();
    if (!target) throw new ApiError('NOT_FOUND', 'No admin account with this id');
    await trx
      .insertInto('admin_credentials')
      .values({ admin_id: adminId, totp_secret: stored })
      .onConflict((oc) =>
        oc
          .column('admin_id')
          .doUpdateSet({ totp_secret: stored, totp_last_step: null, updated_at: new Date() }),
      )
      .execute();
    // A replaced factor invalidates sessions opened with the old one.
    if (adminId !== by.adminId) await revokeAdminSessions(trx, adminId);
    const auditEventId = await writeAdminAudit(trx, {
      actor: actorOf(by),
      eventType: 'admin.totp_enrolled',
      ip,
      metadata: { subject_admin_id: adminId },
    });
    return {
      totp_secret: secret,
      otpauth_uri: otpauthUri(secret, target.email),
      audit_event_id: auditEventId,
    };
  });
}

export async function changeOwnPassword(
  db: Kysely<Database>,
  me: AdminSession,
  body: { current_password: string; new_password: string },
  ip: string | null,
): Promise<void> {
  const row = await db
    .selectFrom('admin_accounts')
    .select('password_hash')
    .where('id', '=', me.adminId)
    .executeTakeFirstOrThrow();
  if (!(await verifyPassword(row.password_hash, body.current_password))) {
    await writeAdminAudit(db, {
      actor: actorOf(me),
      eventType: 'admin.password_change_failed',
      ip,
      metadata: { reason: 'CURRENT_PASSWORD_INCORRECT' },
    });
    throw new ApiError('CURRENT_PASSWORD_INCORRECT', 'The current password is not correct');
  }
  if (body.new_password === body.current_password)
    throw new ApiError('WEAK_PASSWORD', 'The new password must differ from the current one');
  const passwordHash = await hashPassword(body.new_password);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('admin_accounts')
      .set({ password_hash: passwordHash, updated_at: new Date() })
      .where('id', '=', me.adminId)
      .execute();
    await trx
      .insertInto('admin_credentials')
      .values({ admin_id: me.adminId })
      .onConflict((oc) =>
        oc.column('admin_id').doUpdateSet({
          password_change_required: false,
          temporary_password_expires_at: null,
          updated_at: new Date(),
        }),
      )
      .execute();
    // Other sessions were opened with the old password; this one stays.
    await revokeAdminSessions(trx, me.adminId, me.sessionId);
    await writeAdminAudit(trx, { actor: actorOf(me), eventType: 'admin.password_changed', ip });
  });
}
