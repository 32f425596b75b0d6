/**
 * @module RS256 access tokens (API_CONTRACT §2: JWT, 15 min): what they carry and how they are
 * checked. The token names the user only; tier and entitlements are read from
 * `subscription_tiers` on each request (DB_SCHEMA §20 invariant 16), never from a claim.
 */
import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { ApiError } from '../errors';
import type { AuthKeys } from './keys';

export const ACCESS_TOKEN_ISSUER = 'iama-api';
export const ACCESS_TOKEN_AUDIENCE = 'iama';
/** API_CONTRACT §2 login: "JWT, 15min expiry". */
export const DEFAULT_ACCESS_TTL_SECONDS = 15 * 60;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type AccessClaims = { userId: string; email: string };

/** @example await signAccessToken(authKeys(), { userId, email }, 900) */
export async function signAccessToken(
  keys: AuthKeys,
  claims: AccessClaims,
  ttlSeconds = DEFAULT_ACCESS_TTL_SECONDS,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ email: claims.email })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: keys.keyId })
    .setSubject(claims.userId)
    .setIssuer(ACCESS_TOKEN_ISSUER)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .setJti(randomUUID())
    .sign(keys.privateKey);
}

/**
 * Checks signature (RS256 only), issuer, audience and expiry. An expired token is
 * `TOKEN_EXPIRED` (the client refreshes, V1-FR-AUTH-004); anything else is `INVALID_CREDENTIALS`.
 */
export async function verifyAccessToken(keys: AuthKeys, token: string): Promise<AccessClaims> {
  try {
    const { payload } = await jwtVerify(token, keys.publicKey, {
      algorithms: ['RS256'],
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    if (
      typeof payload.sub !== 'string' ||
      !UUID.test(payload.sub) ||
      typeof payload.email !== 'string'
    )
      throw new ApiError('INVALID_CREDENTIALS', 'Access token is malformed');
    return { userId: payload.sub, email: payload.email };
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (err instanceof errors.JWTExpired)
      throw new ApiError('TOKEN_EXPIRED', 'Access token expired; refresh it');
    throw new ApiError('INVALID_CREDENTIALS', 'Access token is not valid');
  }
}
