/**
 * The one key source (V1-FR-AUTH-003: "no valid token fails due to mismatched secret defaults"):
 * a configured key verifies across instances built from the same configuration, production
 * refuses to run without one, and there is no shared default secret to fall back on.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signAccessToken, verifyAccessToken } from '../src/auth/access-token';
import { authKeys, configuredAuthKeys, generateAuthKeys, keysFromPem } from '../src/auth/keys';
import { ApiError } from '../src/errors';

const claims = { userId: '6f1c1a52-0b5e-4c39-9d0e-8a7f1b2c3d4e', email: 'k@example.test' };
const pemOf = () =>
  generateAuthKeys().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

void describe('auth key source (V1-FR-AUTH-003)', () => {
  void it('the same configured key, read from env or from a file by two modules, signs and verifies interchangeably', async () => {
    const pem = pemOf();
    const file = join(mkdtempSync(join(tmpdir(), 'iama-key-')), 'jwt.pem');
    writeFileSync(file, pem);
    const fromEnv = configuredAuthKeys({ IAMA_JWT_PRIVATE_KEY: pem.replace(/\n/g, '\\n') })!;
    const fromFile = configuredAuthKeys({ IAMA_JWT_PRIVATE_KEY_FILE: file })!;
    assert.equal(fromEnv.keyId, fromFile.keyId);
    assert.deepEqual([fromEnv.source, fromFile.source], ['env', 'file']);
    assert.deepEqual(
      await verifyAccessToken(fromFile, await signAccessToken(fromEnv, claims)),
      claims,
    );
  });

  void it('two generated pairs never accept each other’s tokens (no hidden shared default)', async () => {
    const a = generateAuthKeys();
    const b = generateAuthKeys();
    assert.notEqual(a.keyId, b.keyId);
    await assert.rejects(
      verifyAccessToken(b, await signAccessToken(a, claims)),
      (err: unknown) =>
        err instanceof ApiError && err.response.body.error_code === 'INVALID_CREDENTIALS',
    );
  });

  void it('production without a configured key refuses to start; a non-RSA key is refused', () => {
    assert.equal(configuredAuthKeys({}), null);
    assert.throws(() => keysFromPem('not a pem', 'env'));
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    assert.throws(
      () => keysFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'env'),
      /RSA/,
    );
    // authKeys() caches per process; with NODE_ENV=production and no key it must throw before caching.
    assert.throws(() => authKeys({ NODE_ENV: 'production' }), /IAMA_JWT_PRIVATE_KEY/);
  });
});
