/**
 * @module OAuth `state_token`s (API_CONTRACT §2: anti-CSRF, validated server-side, the callback
 * identifies the provider by the token's prefix). A state is a short-lived RS256 JWT from the
 * one key source carrying provider, IDE redirect and a nonce, behind a provider prefix
 * (`gh_` / `gg_`); nothing is stored until the callback consumes it once.
 */
import { randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { ApiError } from '../errors';
import type { AuthKeys } from './keys';
import type { OauthProvider } from './oauth-config';

const AUDIENCE = 'iama-oauth-state';
const PREFIX: Record<OauthProvider, string> = { GITHUB: 'gh_', GOOGLE: 'gg_' };

export type OauthState = { provider: OauthProvider; redirectUri: string; nonce: string };

export async function createOauthState(
  keys: AuthKeys,
  provider: OauthProvider,
  redirectUri: string,
  ttlSeconds: number,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = await new SignJWT({ provider, redirect_uri: redirectUri })
    .setProtectedHeader({ alg: 'RS256', kid: keys.keyId })
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .setJti(randomUUID())
    .sign(keys.privateKey);
  return `${PREFIX[provider]}${jwt}`;
}

/** The provider named by the prefix, the signature, the expiry and the prefix/claim match, or `INVALID_CREDENTIALS`. */
export async function verifyOauthState(keys: AuthKeys, state: string): Promise<OauthState> {
  const provider = (Object.keys(PREFIX) as OauthProvider[]).find((p) =>
    state.startsWith(PREFIX[p]),
  );
  const invalid = () =>
    new ApiError(
      'INVALID_CREDENTIALS',
      'OAuth state is invalid or expired; start the login again',
      { reason: 'OAUTH_STATE_INVALID' },
    );
  if (!provider) throw invalid();
  try {
    const { payload } = await jwtVerify(state.slice(PREFIX[provider].length), keys.publicKey, {
      algorithms: ['RS256'],
      audience: AUDIENCE,
      requiredClaims: ['jti', 'exp'],
    });
    if (
      payload.provider !== provider ||
      typeof payload.redirect_uri !== 'string' ||
      typeof payload.jti !== 'string'
    )
      throw invalid();
    return { provider, redirectUri: payload.redirect_uri, nonce: payload.jti };
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw invalid();
  }
}
