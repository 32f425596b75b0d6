/**
 * @module The provider side of OAuth login (V1-FR-AUTH-002): code → access token → profile,
 * over real HTTP to the configured endpoints (GitHub's OAuth app flow, Google's OpenID Connect
 * userinfo). Only a provider-verified email is reported as verified (API_CONTRACT §2 collision
 * policy), so the caller never has to guess.
 */
import type { OauthProvider, OauthProviderConfig } from './oauth-config';

export type ProviderProfile = {
  providerAccountId: string;
  login: string | null;
  email: string | null;
  emailVerified: boolean;
  scopes: string[];
};

export class OauthProviderError extends Error {
  constructor(
    readonly provider: OauthProvider,
    readonly stage: 'token' | 'profile',
    message: string,
  ) {
    super(message);
    this.name = 'OauthProviderError';
  }
}

const TIMEOUT_MS = 10_000;

async function getJson(
  provider: OauthProvider,
  stage: 'token' | 'profile',
  url: string,
  init: RequestInit,
): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    throw new OauthProviderError(
      provider,
      stage,
      `provider unreachable: ${(err as Error).message}`,
    );
  }
  if (!res.ok) throw new OauthProviderError(provider, stage, `provider answered ${res.status}`);
  try {
    return await res.json();
  } catch {
    throw new OauthProviderError(provider, stage, 'provider answered with a body that is not JSON');
  }
}

const record = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** Exchanges the authorization code; GitHub reports a bad code as 200 with an `error` field. */
export async function exchangeCode(
  provider: OauthProvider,
  cfg: OauthProviderConfig,
  code: string,
  redirectUri: string,
): Promise<{ accessToken: string; scopes: string[] }> {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    client_id: cfg.clientId,
    client_secret: cfg.clientSecret,
  });
  const json = record(
    await getJson(provider, 'token', cfg.tokenUrl, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    }),
  );
  if (typeof json.access_token !== 'string' || !json.access_token)
    throw new OauthProviderError(
      provider,
      'token',
      `code exchange refused${typeof json.error === 'string' ? `: ${json.error}` : ''}`,
    );
  const scope = typeof json.scope === 'string' ? json.scope : '';
  return { accessToken: json.access_token, scopes: scope.split(/[ ,]+/).filter(Boolean) };
}

export async function fetchProfile(
  provider: OauthProvider,
  cfg: OauthProviderConfig,
  accessToken: string,
): Promise<Omit<ProviderProfile, 'scopes'>> {
  const headers = {
    authorization: `Bearer ${accessToken}`,
    accept: 'application/json',
    'user-agent': 'iama-api',
  };
  const user = record(await getJson(provider, 'profile', cfg.userInfoUrl, { headers }));
  if (provider === 'GOOGLE') {
    if (typeof user.sub !== 'string' || !user.sub)
      throw new OauthProviderError(provider, 'profile', 'userinfo has no subject');
    const email = typeof user.email === 'string' ? user.email : null;
    return {
      providerAccountId: user.sub,
      login: email,
      email,
      emailVerified: email !== null && user.email_verified === true,
    };
  }
  if (typeof user.id !== 'number' && typeof user.id !== 'string')
    throw new OauthProviderError(provider, 'profile', 'user has no id');
  // GitHub's /user email is the public one and says nothing about verification; /user/emails does.
  const emails = cfg.emailsUrl
    ? await getJson(provider, 'profile', cfg.emailsUrl, { headers })
    : [];
  const list = Array.isArray(emails) ? emails.map(record) : [];
  const primary = list.find((e) => e.primary === true && typeof e.email === 'string');
  const email =
    typeof primary?.email === 'string'
      ? primary.email
      : typeof user.email === 'string'
        ? user.email
        : null;
  return {
    providerAccountId: String(user.id),
    login: typeof user.login === 'string' ? user.login : null,
    email,
    emailVerified: primary !== undefined && primary.verified === true,
  };
}
