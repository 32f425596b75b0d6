/**
 * @module Credential files recognised by name alone (V1-FR-SEC-003, PRD V1 §17 group 18), so they
 * are refused without being opened.
 */

const SECRET_BASENAMES = new Set([
  '.env',
  '.npmrc',
  '.pypirc',
  '.netrc',
  '.pgpass',
  '.htpasswd',
  '.git-credentials',
  'id_rsa',
  'id_dsa',
  'id_ecdsa',
  'id_ed25519',
  'credentials',
  'credentials.json',
  'secrets.json',
  'secrets.yml',
  'secrets.yaml',
  'service-account.json',
]);

const SECRET_EXTENSIONS = new Set([
  'pem',
  'key',
  'p12',
  'pfx',
  'jks',
  'keystore',
  'kdbx',
  'ppk',
  'asc',
  'gpg',
]);

/** `.env.example` and friends document variable names; they are not credential stores. */
const ENV_TEMPLATE = /^\.env\.(?:example|sample|template|dist|defaults)$/;

/**
 * True for `.env`-style files, private keys, keystores and tool credential files.
 * @example isSecretFileName('config/.env.production') // true
 */
export function isSecretFileName(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (SECRET_BASENAMES.has(base)) return true;
  if (base.startsWith('.env.') && !ENV_TEMPLATE.test(base)) return true;
  if (base.endsWith('.env')) return true;
  const dot = base.lastIndexOf('.');
  return dot > 0 && SECRET_EXTENSIONS.has(base.slice(dot + 1).toLowerCase());
}
