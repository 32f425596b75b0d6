/**
 * @module Token-bucket rate limiting (PRD V1 §16 item 6: requests per minute plus burst, a
 * deterministic 429). Pure: the caller passes the clock, so the same sequence of calls always
 * gets the same answers. Buckets live in the API process (docs/api/auth-decisions.md).
 */
import type { Tier } from '@iama/contracts';

export type RateLimitPolicy = {
  /** Sustained rate: tokens added per minute. */
  perMinute: number;
  /** Bucket size: requests allowed back to back from a full bucket. */
  burst: number;
};

/** Auth endpoints per client address; the spec names no figure (docs/api/auth-decisions.md). */
export const DEFAULT_AUTH_RATE_LIMIT: RateLimitPolicy = { perMinute: 30, burst: 10 };

/** Authenticated requests per user, by tier; the spec names no figures (docs/api/auth-decisions.md). */
export const DEFAULT_TIER_RATE_LIMITS = Object.freeze({
  FREE: { perMinute: 60, burst: 30 },
  PLUS: { perMinute: 120, burst: 60 },
  PRO: { perMinute: 300, burst: 120 },
  MAX: { perMinute: 600, burst: 240 },
  ENTERPRISE: { perMinute: 1200, burst: 480 },
} satisfies Record<Tier, RateLimitPolicy>);

export type RateDecision = {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until one more request is allowed (0 when allowed). */
  retryAfterMs: number;
  /** Milliseconds until the bucket is full again. */
  resetMs: number;
};

type Bucket = { tokens: number; at: number };

export type RateLimiter = { take(key: string, nowMs: number): RateDecision };

/**
 * @example const limiter = createRateLimiter({ perMinute: 60, burst: 5 });
 *          limiter.take('login:127.0.0.1', Date.now()).allowed // true for the first 5
 */
export function createRateLimiter(policy: RateLimitPolicy, maxKeys = 100_000): RateLimiter {
  if (!(policy.perMinute > 0) || !(policy.burst >= 1))
    throw new Error('rate limit: perMinute > 0 and burst >= 1 required');
  const perMs = policy.perMinute / 60_000;
  const buckets = new Map<string, Bucket>();
  return {
    take(key, nowMs) {
      const b = buckets.get(key);
      const tokens = b
        ? Math.min(policy.burst, b.tokens + Math.max(0, nowMs - b.at) * perMs)
        : policy.burst;
      const allowed = tokens >= 1;
      const left = allowed ? tokens - 1 : tokens;
      // Map order is insertion order: re-inserting keeps the least recently used key first.
      buckets.delete(key);
      buckets.set(key, { tokens: left, at: nowMs });
      if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value as string);
      return {
        allowed,
        limit: policy.burst,
        remaining: Math.floor(left),
        retryAfterMs: allowed ? 0 : Math.ceil((1 - left) / perMs),
        resetMs: Math.ceil((policy.burst - left) / perMs),
      };
    },
  };
}
