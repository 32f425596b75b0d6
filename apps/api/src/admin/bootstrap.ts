/**
 * @module The bootstrap SUPER_ADMIN (API_CONTRACT §6: SUPER_ADMIN is never created through the
 * API) from configuration, created idempotently: an existing account with that email is left
 * exactly as it is (its password and second factor are not reset by a restart).
 */
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';
import { hashPassword } from '../auth/password';
import { writeAdminAudit } from './audit';
import { base32Decode } from './totp';
import { sealTotpSecret } from './totp-vault';

export type BootstrapAdminConfig = { email: string; password: string; totpSecret: string };

/**
 * Reads `IAMA_ADMIN_BOOTSTRAP_EMAIL`, `IAMA_ADMIN_BOOTSTRAP_PASSWORD` (min 12 characters) and
 * `IAMA_ADMIN_BOOTSTRAP_TOTP_SECRET` (base32, at least 128 bits); all three or none.
 */
export function bootstrapAdminFromEnv(env: NodeJS.ProcessEnv): BootstrapAdminConfig | null {
  const email = env.IAMA_ADMIN_BOOTSTRAP_EMAIL;
  const password = env.IAMA_ADMIN_BOOTSTRAP_PASSWORD;
  const totpSecret = env.IAMA_ADMIN_BOOTSTRAP_TOTP_SECRET;
  if (!email && !password && !totpSecret) return null;
  if (!email || !password || !totpSecret) {
    throw new Error(
      'admin bootstrap: set IAMA_ADMIN_BOOTSTRAP_EMAIL, IAMA_ADMIN_BOOTSTRAP_PASSWORD and IAMA_ADMIN_BOOTSTRAP_TOTP_SECRET together',
    );
  }
  return validateBootstrap({ email, password, totpSecret });
}

export function validateBootstrap(cfg: BootstrapAdminConfig): BootstrapAdminConfig {
  if (!/^[^\s@]+@[^\s@]+$/.test(cfg.email))
    throw new Error('admin bootstrap: email is not an address');
  if (cfg.password.length < 12)
    throw new Error('admin bootstrap: password must have at least 12 characters');
  let bytes: Buffer;
  try {
    bytes = base32Decode(cfg.totpSecret);
  } catch {
    throw new Error('admin bootstrap: TOTP secret must be base32');
  }
  if (bytes.length < 16)
    throw new Error('admin bootstrap: TOTP secret must carry at least 128 bits');
  return { ...cfg, email: cfg.email.toLowerCase() };
}

/** Creates the account once; returns its id and whether this call created it. */
export async function ensureBootstrapAdmin(
  db: Kysely<Database>,
  cfg: BootstrapAdminConfig,
  totpKey: Buffer | null = null,
): Promise<{ adminId: string; created: boolean }> {
  const passwordHash = await hashPassword(cfg.password);
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('admin_accounts')
      .values({
        email: cfg.email,
        password_hash: passwordHash,
        role: 'SUPER_ADMIN',
        status: 'ACTIVE',
        created_by: null,
      })
      .onConflict((oc) => oc.column('email').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) {
      const existing = await trx
        .selectFrom('admin_accounts')
        .select('id')
        .where('email', '=', cfg.email)
        .executeTakeFirstOrThrow();
      return { adminId: existing.id, created: false };
    }
    await trx
      .insertInto('admin_credentials')
      .values({
        admin_id: inserted.id,
        totp_secret: sealTotpSecret(cfg.totpSecret.replace(/[\s=]/g, '').toUpperCase(), totpKey),
      })
      .execute();
    await writeAdminAudit(trx, {
      actor: null,
      eventType: 'admin.bootstrap',
      newState: 'ACTIVE',
      metadata: { created_admin_id: inserted.id, role: 'SUPER_ADMIN' },
    });
    return { adminId: inserted.id, created: true };
  });
}
