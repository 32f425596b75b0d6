/**
 * @module `tsx apps/api/src/admin/bootstrap-cli.ts`: creates the bootstrap SUPER_ADMIN from
 * `IAMA_ADMIN_BOOTSTRAP_*` in the database of `DATABASE_URL` (idempotent, like API start-up), or
 * with `--new-totp-secret` prints a fresh TOTP secret and its otpauth URI to put into
 * `IAMA_ADMIN_BOOTSTRAP_TOTP_SECRET` and an authenticator app. Never prints the password.
 */
import { createDb } from '@iama/db';
import { bootstrapAdminFromEnv, ensureBootstrapAdmin } from './bootstrap';
import { generateTotpSecret, otpauthUri } from './totp';
import { totpKeyFromEnv } from './totp-vault';

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (argv.includes('--new-totp-secret')) {
    const secret = generateTotpSecret();
    process.stdout.write(
      `${JSON.stringify({ totp_secret: secret, otpauth_uri: otpauthUri(secret, env.IAMA_ADMIN_BOOTSTRAP_EMAIL ?? 'admin') })}\n`,
    );
    return 0;
  }
  const config = bootstrapAdminFromEnv(env);
  if (!config || !env.DATABASE_URL) {
    process.stderr.write(
      'bootstrap: set DATABASE_URL and IAMA_ADMIN_BOOTSTRAP_EMAIL, _PASSWORD, _TOTP_SECRET\n',
    );
    return 2;
  }
  const { db, close } = createDb(env.DATABASE_URL);
  try {
    const result = await ensureBootstrapAdmin(db, config, totpKeyFromEnv(env));
    process.stdout.write(
      `${JSON.stringify({ admin_id: result.adminId, email: config.email, created: result.created })}\n`,
    );
    return 0;
  } finally {
    await close();
  }
}

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bootstrap: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
