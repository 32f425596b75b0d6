/**
 * @module Authentication settings with the spec's defaults (API_CONTRACT §2: 15-minute access
 * tokens, 30-day refresh tokens); tests shrink them to exercise expiry without waiting.
 */
import { DEFAULT_ACCESS_TTL_SECONDS } from './access-token';
import { authKeys, type AuthKeys } from './keys';
import { oauthConfigFromEnv, type OauthConfig } from './oauth-config';
import type { Tier } from '@iama/contracts';
import {
  DEFAULT_AUTH_RATE_LIMIT,
  DEFAULT_TIER_RATE_LIMITS,
  type RateLimitPolicy,
} from './rate-limit';

export type AuthConfig = {
  keys: AuthKeys;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  oauth: OauthConfig;
  /** Per client address on the unauthenticated auth endpoints (PRD V1 §16 item 6). */
  rateLimit: RateLimitPolicy;
  /**
   * Per user on authenticated routes, by tier (PRD V1 §16 item 6). `null`: off. Opt-in
   * (`IAMA_TIER_RATE_LIMITS=default`) until the figures are decided (docs/api/auth-decisions.md).
   */
  tierRateLimits: Readonly<Record<Tier, RateLimitPolicy>> | null;
};

export type AuthOptions = Partial<AuthConfig>;

/** API_CONTRACT §2 login: "opaque, 30-day expiry". */
export const DEFAULT_REFRESH_TTL_SECONDS = 30 * 24 * 60 * 60;

export function resolveAuthConfig(
  opts: AuthOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): AuthConfig {
  return {
    keys: opts.keys ?? authKeys(env),
    accessTtlSeconds: opts.accessTtlSeconds ?? DEFAULT_ACCESS_TTL_SECONDS,
    refreshTtlSeconds: opts.refreshTtlSeconds ?? DEFAULT_REFRESH_TTL_SECONDS,
    oauth: opts.oauth ?? oauthConfigFromEnv(env),
    rateLimit: opts.rateLimit ?? DEFAULT_AUTH_RATE_LIMIT,
    tierRateLimits:
      opts.tierRateLimits !== undefined
        ? opts.tierRateLimits
        : env.IAMA_TIER_RATE_LIMITS === 'default'
          ? DEFAULT_TIER_RATE_LIMITS
          : null,
  };
}
