/**
 * @module The one source of the RS256 key pair that signs and verifies product access tokens
 * (V1-FR-AUTH-003): every module that issues or checks a token gets its keys from here, so no
 * two modules can disagree about a secret default. Configured by `IAMA_JWT_PRIVATE_KEY` (PKCS#8
 * PEM) or `IAMA_JWT_PRIVATE_KEY_FILE`; outside production a pair is generated once per process
 * when neither is set, and production refuses to start without one.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { readFileSync } from 'node:fs';

export type AuthKeys = {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** `kid` header: a SHA-256 of the public key, so a token from another key is named as such. */
  keyId: string;
  /** Where the pair came from, for the start-up log (never the key itself). */
  source: 'env' | 'file' | 'generated';
};

/** Builds `AuthKeys` from a PKCS#8 (or PKCS#1) RSA private key in PEM. */
export function keysFromPem(pem: string, source: AuthKeys['source']): AuthKeys {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'rsa')
    throw new Error('auth: the JWT signing key must be an RSA private key (RS256)');
  const publicKey = createPublicKey(privateKey);
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return {
    privateKey,
    publicKey,
    keyId: createHash('sha256').update(der).digest('base64url').slice(0, 16),
    source,
  };
}

/** A fresh 2048-bit pair: dev stacks and tests, and tests that need a foreign key. */
export function generateAuthKeys(): AuthKeys {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return keysFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'generated');
}

/** Reads the configured pair; `null` when none is configured. */
export function configuredAuthKeys(env: NodeJS.ProcessEnv): AuthKeys | null {
  if (env.IAMA_JWT_PRIVATE_KEY)
    return keysFromPem(env.IAMA_JWT_PRIVATE_KEY.replace(/\\n/g, '\n'), 'env');
  if (env.IAMA_JWT_PRIVATE_KEY_FILE)
    return keysFromPem(readFileSync(env.IAMA_JWT_PRIVATE_KEY_FILE, 'utf8'), 'file');
  return null;
}

let processKeys: AuthKeys | undefined;

/**
 * The process-wide pair: configured, or generated once (not in production).
 * @example signAccessToken(authKeys(), { userId, email })
 */
export function authKeys(env: NodeJS.ProcessEnv = process.env): AuthKeys {
  if (processKeys) return processKeys;
  const configured = configuredAuthKeys(env);
  if (!configured && env.NODE_ENV === 'production')
    throw new Error(
      'auth: set IAMA_JWT_PRIVATE_KEY or IAMA_JWT_PRIVATE_KEY_FILE (RS256 signing key) in production',
    );
  processKeys = configured ?? generateAuthKeys();
  return processKeys;
}
