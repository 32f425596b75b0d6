/**
 * RFC 6238 / RFC 4226 one-time passwords and RFC 4648 base32 against the RFCs' own test
 * vectors (DB_SCHEMA §19 mandatory 2FA for admin logins; V1-FR-OPS-001).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { openTotpSecret, sealTotpSecret, totpKeyFromEnv } from '../src/admin/totp-vault';
import {
  base32Decode,
  base32Encode,
  generateTotpSecret,
  hotp,
  otpauthUri,
  totpAt,
  verifyTotp,
  type TotpAlgorithm,
} from '../src/admin/totp';

void test('RFC 4226 appendix D: HOTP values for counters 0-9', () => {
  const key = Buffer.from('12345678901234567890');
  const expected = [
    '755224',
    '287082',
    '359152',
    '969429',
    '338314',
    '254676',
    '287922',
    '162583',
    '399871',
    '520489',
  ];
  assert.deepEqual(
    expected.map((_, i) => hotp(key, BigInt(i))),
    expected,
  );
});

void test('RFC 6238 appendix B: 8-digit TOTP for SHA-1, SHA-256 and SHA-512 at every listed time', () => {
  const keys: Record<TotpAlgorithm, Buffer> = {
    sha1: Buffer.from('12345678901234567890'),
    sha256: Buffer.from('12345678901234567890123456789012'),
    sha512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234'),
  };
  const vectors: [number, string, string, string][] = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ];
  for (const [t, sha1, sha256, sha512] of vectors) {
    const step = BigInt(Math.floor(t / 30));
    assert.equal(hotp(keys.sha1, step, 8, 'sha1'), sha1, `sha1 @${t}`);
    assert.equal(hotp(keys.sha256, step, 8, 'sha256'), sha256, `sha256 @${t}`);
    assert.equal(hotp(keys.sha512, step, 8, 'sha512'), sha512, `sha512 @${t}`);
  }
});

void test('RFC 4648 §10: base32 test vectors, both directions; a foreign character is refused', () => {
  const vectors: [string, string][] = [
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ];
  for (const [plain, encoded] of vectors) {
    assert.equal(base32Encode(Buffer.from(plain)), encoded);
    assert.equal(base32Decode(encoded).toString(), plain);
    assert.equal(
      base32Decode(`${encoded.toLowerCase()}======`).toString(),
      plain,
      'case and padding are ignored',
    );
  }
  assert.throws(() => base32Decode('MZXW1'), /invalid character/);
});

void test('verifyTotp accepts the current step and one step of drift, refuses others and malformed codes', () => {
  const secret = base32Encode(Buffer.from('12345678901234567890'));
  const now = 1111111111_000;
  assert.equal(
    totpAt(secret, now),
    '050471',
    'the 6-digit truncation of the RFC 6238 SHA-1 vector',
  );
  assert.equal(verifyTotp(secret, '050471', now), BigInt(Math.floor(1111111111 / 30)));
  assert.equal(
    verifyTotp(secret, totpAt(secret, now - 30_000), now),
    BigInt(Math.floor(1111111111 / 30)) - 1n,
  );
  assert.equal(
    verifyTotp(secret, totpAt(secret, now + 30_000), now),
    BigInt(Math.floor(1111111111 / 30)) + 1n,
  );
  assert.equal(verifyTotp(secret, totpAt(secret, now - 90_000), now), null, 'three steps old');
  assert.equal(verifyTotp(secret, '12345', now), null);
  assert.equal(verifyTotp(secret, 'abcdef', now), null);
});

void test('generated secrets are 160-bit base32 and the otpauth URI names issuer, account and parameters', () => {
  const a = generateTotpSecret();
  assert.match(a, /^[A-Z2-7]{32}$/);
  assert.equal(base32Decode(a).length, 20);
  assert.notEqual(a, generateTotpSecret());
  const uri = new URL(otpauthUri(a, 'ops@example.test'));
  assert.equal(uri.protocol, 'otpauth:');
  assert.equal(uri.host, 'totp');
  assert.equal(decodeURIComponent(uri.pathname), '/IAMA Admin:ops@example.test');
  assert.equal(uri.searchParams.get('secret'), a);
  assert.equal(uri.searchParams.get('period'), '30');
});

void test('TOTP vault: sealed secrets round-trip, differ per seal, refuse tampering, a wrong key and a missing key', () => {
  const key = randomBytes(32);
  const secret = generateTotpSecret();
  const a = sealTotpSecret(secret, key);
  const b = sealTotpSecret(secret, key);
  assert.match(a, /^v1:/);
  assert.notEqual(a, b, 'a fresh IV per seal');
  assert.ok(!a.includes(secret));
  assert.equal(openTotpSecret(a, key), secret);
  const tampered = a.slice(0, -2) + (a.endsWith('A') ? 'BB' : 'AA');
  assert.throws(() => openTotpSecret(tampered, key));
  assert.throws(() => openTotpSecret(a, randomBytes(32)));
  assert.throws(() => openTotpSecret(a, null), /IAMA_ADMIN_TOTP_KEY/);
  assert.equal(sealTotpSecret(secret, null), secret, 'without a key the secret is stored as is');
  assert.equal(
    openTotpSecret(secret, key),
    secret,
    'an unsealed secret still opens after a key is configured',
  );
  assert.equal(totpKeyFromEnv({}), null);
  assert.equal(totpKeyFromEnv({ IAMA_ADMIN_TOTP_KEY: key.toString('base64') })?.equals(key), true);
  assert.throws(() => totpKeyFromEnv({ IAMA_ADMIN_TOTP_KEY: 'c2hvcnQ=' }), /32 bytes/);
});
