/**
 * @module Escalation confirmation tokens (V1-FR-ROUTE-002/003, V1-FR-SUB-003/006): the workflow
 * issues one after the user confirmed (or, for a pre-authorized Enterprise job, at dispatch
 * time from the job-start pre-authorization); the router refuses L3 — and unauthorized L2
 * escalation — without a valid one. HMAC-SHA256, bound to job, attempt and class, with an
 * expiry, so a token for one attempt cannot unlock another.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ModelClass } from '@iama/contracts';

export type ConfirmationBasis = 'USER_CONFIRMED' | 'PREAUTHORIZED';

export type ConfirmationClaims = {
  jobId: string;
  attemptNumber: number;
  modelClass: ModelClass;
  basis: ConfirmationBasis;
  /** ms since epoch. */
  expiresAt: number;
};

const b64 = (buf: Buffer | string) => Buffer.from(buf).toString('base64url');

/**
 * Issues a token (workflow side).
 * @example issueConfirmationToken({ jobId, attemptNumber: 8, modelClass: 'L3', basis: 'USER_CONFIRMED', expiresAt: Date.now() + 3_600_000 }, key)
 */
export function issueConfirmationToken(claims: ConfirmationClaims, key: string | Buffer): string {
  const payload = b64(JSON.stringify(claims));
  const mac = createHmac('sha256', key).update(`v1.${payload}`).digest();
  return `v1.${payload}.${b64(mac)}`;
}

export type TokenCheck =
  | { ok: true; claims: ConfirmationClaims }
  | { ok: false; reason: 'MISSING' | 'MALFORMED' | 'BAD_SIGNATURE' | 'EXPIRED' | 'WRONG_SCOPE' };

/**
 * Verifies a token for exactly this job, attempt and class (router side).
 * @example verifyConfirmationToken(token, { jobId, attemptNumber: 8, modelClass: 'L3' }, key, Date.now())
 */
export function verifyConfirmationToken(
  token: string | undefined,
  scope: { jobId: string; attemptNumber: number; modelClass: ModelClass },
  key: string | Buffer,
  now: number,
): TokenCheck {
  if (!token) return { ok: false, reason: 'MISSING' };
  const [version, payload, mac] = token.split('.');
  if (version !== 'v1' || !payload || !mac) return { ok: false, reason: 'MALFORMED' };
  const expected = createHmac('sha256', key).update(`v1.${payload}`).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'BAD_SIGNATURE' };
  let claims: ConfirmationClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as ConfirmationClaims;
  } catch {
    return { ok: false, reason: 'MALFORMED' };
  }
  if (claims.expiresAt <= now) return { ok: false, reason: 'EXPIRED' };
  if (
    claims.jobId !== scope.jobId ||
    claims.attemptNumber !== scope.attemptNumber ||
    claims.modelClass !== scope.modelClass
  ) {
    return { ok: false, reason: 'WRONG_SCOPE' };
  }
  return { ok: true, claims };
}
