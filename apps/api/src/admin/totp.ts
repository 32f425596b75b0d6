/**
 * @module RFC 6238 time-based one-time passwords (HOTP of RFC 4226 over 30 s steps) and the
 * RFC 4648 base32 alphabet authenticator apps use for the shared secret: the second factor of
 * admin logins (DB_SCHEMA §19 "mandatory 2FA"). Pure: time and secrets are inputs.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;

/** @example base32Encode(Buffer.from('foo')) // 'MZXW6' */
export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes base32 (case-insensitive, padding and spaces ignored); throws on a foreign character. */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const idx = ALPHABET.indexOf(ch);
    if (idx < 0) throw new Error('base32: invalid character');
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A new 160-bit secret (RFC 4226 §4 recommends at least 128, 160 is usual), base32. */
export function generateTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

export type TotpAlgorithm = 'sha1' | 'sha256' | 'sha512';

/**
 * HOTP value of one counter (RFC 4226 §5.3 dynamic truncation).
 * @example hotp(Buffer.from('12345678901234567890'), 0n) // '755224'
 */
export function hotp(
  key: Uint8Array,
  counter: bigint,
  digits = TOTP_DIGITS,
  algorithm: TotpAlgorithm = 'sha1',
): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(counter);
  const mac = createHmac(algorithm, key).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary =
    ((mac[offset]! & 0x7f) << 24) |
    (mac[offset + 1]! << 16) |
    (mac[offset + 2]! << 8) |
    mac[offset + 3]!;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The 30 s step an instant falls in. */
export function totpStep(nowMs: number): bigint {
  return BigInt(Math.floor(nowMs / 1000 / TOTP_STEP_SECONDS));
}

/** @example totpAt(base32Secret, Date.now()) // '492039' */
export function totpAt(base32Secret: string, nowMs: number): string {
  return hotp(base32Decode(base32Secret), totpStep(nowMs));
}

/**
 * The step a code matches within ±`window` steps of now (clock drift), or `null`. Callers
 * reject a step not greater than the last accepted one, so a code works once.
 */
export function verifyTotp(
  base32Secret: string,
  code: string,
  nowMs: number,
  window = 1,
): bigint | null {
  if (!/^\d{6}$/.test(code)) return null;
  const key = base32Decode(base32Secret);
  const now = totpStep(nowMs);
  for (let d = -window; d <= window; d++) {
    const step = now + BigInt(d);
    if (step < 0n) continue;
    if (timingSafeEqual(Buffer.from(hotp(key, step)), Buffer.from(code))) return step;
  }
  return null;
}

/** The `otpauth://` URI authenticator apps scan (Key Uri Format). */
export function otpauthUri(base32Secret: string, account: string, issuer = 'IAMA Admin'): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  const q = new URLSearchParams({
    secret: base32Secret,
    issuer,
    algorithm: 'SHA1',
    digits: String(TOTP_DIGITS),
    period: String(TOTP_STEP_SECONDS),
  });
  return `otpauth://totp/${label}?${q.toString()}`;
}
