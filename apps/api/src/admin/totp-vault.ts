/**
 * @module TOTP secrets at rest (DB_SCHEMA §19 2FA): sealed with AES-256-GCM under the operator
 * key `IAMA_ADMIN_TOTP_KEY` (32 bytes, base64) as `v1:<iv>:<tag>:<ciphertext>`, so a copy of
 * the database alone does not yield the second factor. Without a key (development, tests that
 * do not set one) secrets are stored as they are; a sealed value without the key is an error,
 * never a silent fallback. Pure apart from randomness.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'v1:';

/** Reads `IAMA_ADMIN_TOTP_KEY`; throws unless it decodes to exactly 32 bytes. */
export function totpKeyFromEnv(env: NodeJS.ProcessEnv): Buffer | null {
  const raw = env.IAMA_ADMIN_TOTP_KEY;
  if (!raw) return null;
  const key = Buffer.from(raw, 'base64');
  if (key.length !== 32) throw new Error('IAMA_ADMIN_TOTP_KEY must be 32 bytes, base64-encoded');
  return key;
}

/** @example openTotpSecret(sealTotpSecret('JBSWY3DP…', key), key) // 'JBSWY3DP…' */
export function sealTotpSecret(secret: string, key: Buffer | null): string {
  if (!key) return secret;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return `${PREFIX}${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${ct.toString('base64url')}`;
}

export function openTotpSecret(stored: string, key: Buffer | null): string {
  if (!stored.startsWith(PREFIX)) return stored;
  if (!key) throw new Error('a sealed TOTP secret needs IAMA_ADMIN_TOTP_KEY');
  const [iv, tag, ct] = stored.slice(PREFIX.length).split(':');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv ?? '', 'base64url'));
  decipher.setAuthTag(Buffer.from(tag ?? '', 'base64url'));
  return Buffer.concat([
    decipher.update(Buffer.from(ct ?? '', 'base64url')),
    decipher.final(),
  ]).toString('utf8');
}
