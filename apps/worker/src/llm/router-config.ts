/**
 * @module The IAMA Router's configuration from the worker's environment (issue #4; ARCHITECTURE D2;
 * SERVICE_ARCHITECTURE §8.2), validated once with errors that name the variable, never a value.
 * Secrets are references resolved through the secrets providers, not values in the environment
 * of this module.
 */

export type RouterConfig = {
  /** `LITELLM_BASE_URL`: the LiteLLM Proxy (no `/v1`). */
  proxyUrl: string;
  /** `IAMA_LITELLM_KEY_REF`: reference of the proxy's key; unset = no Authorization header. */
  proxyKeyRef: string | undefined;
  /** `IAMA_SECRETS_DIR`: mounted secret files, consulted before the environment. */
  secretsDir: string | undefined;
  /** `IAMA_CONFIRMATION_KEY_REF` (default `env:IAMA_CONFIRMATION_KEY`): HMAC key of L2/L3 confirmation tokens. */
  confirmationKeyRef: string;
  /** `IAMA_ROUTE_TABLE_TTL_MS` (default 10 s): how long a loaded `model.l1|l2|l3` table is served. */
  routeTableTtlMs: number;
  /** `NODE_ENV=production`: a missing confirmation key is an error instead of a per-process key. */
  production: boolean;
};

export class RouterConfigError extends Error {
  override readonly name = 'RouterConfigError';
  readonly code = 'ROUTER_CONFIG_INVALID';
}

/**
 * @example const config = loadRouterConfig(process.env); // throws RouterConfigError naming LITELLM_BASE_URL when unset
 */
export function loadRouterConfig(env: NodeJS.ProcessEnv = process.env): RouterConfig {
  const proxyUrl = env.LITELLM_BASE_URL;
  if (!proxyUrl)
    throw new RouterConfigError(
      'LITELLM_BASE_URL is not set: the IAMA Router talks to models only through the LiteLLM Proxy',
    );
  let url: URL;
  try {
    url = new URL(proxyUrl);
  } catch {
    throw new RouterConfigError('LITELLM_BASE_URL is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new RouterConfigError('LITELLM_BASE_URL must be an http(s) URL');
  const ttlText = env.IAMA_ROUTE_TABLE_TTL_MS ?? '10000';
  const routeTableTtlMs = Number(ttlText);
  if (!Number.isInteger(routeTableTtlMs) || routeTableTtlMs < 0)
    throw new RouterConfigError(
      'IAMA_ROUTE_TABLE_TTL_MS must be a non-negative integer (milliseconds)',
    );
  return {
    proxyUrl: proxyUrl.replace(/\/+$/, ''),
    proxyKeyRef: env.IAMA_LITELLM_KEY_REF || undefined,
    secretsDir: env.IAMA_SECRETS_DIR || undefined,
    confirmationKeyRef: env.IAMA_CONFIRMATION_KEY_REF || 'env:IAMA_CONFIRMATION_KEY',
    routeTableTtlMs,
    production: env.NODE_ENV === 'production',
  };
}
