/**
 * @module Where the OAuth providers live and who we are to them (V1-FR-AUTH-002). Every URL
 * derives from one base URL per provider so tests can point a provider at a local server.
 */
export type OauthProvider = 'GITHUB' | 'GOOGLE';

export type OauthProviderConfig = {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  userInfoUrl: string;
  /** GitHub only: `/user/emails` tells whether the address is verified. */
  emailsUrl?: string;
  scopes: readonly string[];
};

export type OauthConfig = {
  /** Our callback as registered with the providers (`…/api/v1/auth/oauth/callback`). */
  callbackUrl: string;
  /** Where the IDE receives the token when the initiate call named none (API_CONTRACT §2). */
  defaultRedirectUri: string;
  /** Seconds a `state_token` stays valid. */
  stateTtlSeconds: number;
  providers: Partial<Record<OauthProvider, OauthProviderConfig>>;
};

export const DEFAULT_REDIRECT_URI = 'vscode://iama.extension/auth';

export function githubProvider(
  clientId: string,
  clientSecret: string,
  webBase = 'https://github.com',
  apiBase = 'https://api.github.com',
): OauthProviderConfig {
  return {
    clientId,
    clientSecret,
    authorizeUrl: `${webBase}/login/oauth/authorize`,
    tokenUrl: `${webBase}/login/oauth/access_token`,
    userInfoUrl: `${apiBase}/user`,
    emailsUrl: `${apiBase}/user/emails`,
    scopes: ['read:user', 'user:email'],
  };
}

export function googleProvider(
  clientId: string,
  clientSecret: string,
  accountsBase = 'https://accounts.google.com',
  tokenBase = 'https://oauth2.googleapis.com',
  userInfoBase = 'https://openidconnect.googleapis.com',
): OauthProviderConfig {
  return {
    clientId,
    clientSecret,
    authorizeUrl: `${accountsBase}/o/oauth2/v2/auth`,
    tokenUrl: `${tokenBase}/token`,
    userInfoUrl: `${userInfoBase}/v1/userinfo`,
    scopes: ['openid', 'email', 'profile'],
  };
}

/**
 * A provider is enabled when its client id and secret are set; `IAMA_OAUTH_<P>_BASE_URL` moves
 * all of its endpoints under one origin (a test double or an enterprise proxy).
 */
export function oauthConfigFromEnv(env: NodeJS.ProcessEnv): OauthConfig {
  const publicUrl = (env.IAMA_PUBLIC_URL ?? `http://127.0.0.1:${env.PORT ?? 8080}`).replace(
    /\/$/,
    '',
  );
  const providers: OauthConfig['providers'] = {};
  if (env.GITHUB_OAUTH_CLIENT_ID && env.GITHUB_OAUTH_CLIENT_SECRET) {
    const base = env.IAMA_OAUTH_GITHUB_BASE_URL;
    providers.GITHUB = githubProvider(
      env.GITHUB_OAUTH_CLIENT_ID,
      env.GITHUB_OAUTH_CLIENT_SECRET,
      base,
      base,
    );
  }
  if (env.GOOGLE_OAUTH_CLIENT_ID && env.GOOGLE_OAUTH_CLIENT_SECRET) {
    const base = env.IAMA_OAUTH_GOOGLE_BASE_URL;
    providers.GOOGLE = googleProvider(
      env.GOOGLE_OAUTH_CLIENT_ID,
      env.GOOGLE_OAUTH_CLIENT_SECRET,
      base,
      base,
      base,
    );
  }
  return {
    callbackUrl: `${publicUrl}/api/v1/auth/oauth/callback`,
    defaultRedirectUri: DEFAULT_REDIRECT_URI,
    stateTtlSeconds: 600,
    providers,
  };
}
