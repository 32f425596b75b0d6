/**
 * @module Bounded retries with exponential backoff and full jitter for 429/5xx/network failures
 * (ADR-002: the proxy's own retries are off, so this is the only retry layer). A provider
 * `Retry-After`, when one gets through, is a floor.
 */

export type RetryPolicy = {
  /** Total provider attempts for one call, including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
};

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
});

/**
 * Delay before retry number `retry` (1 = first retry).
 * @example backoffDelay(2, DEFAULT_RETRY_POLICY, null, Math.random) // somewhere in [0, 1000]
 */
export function backoffDelay(
  retry: number,
  policy: RetryPolicy,
  retryAfterMs: number | null,
  random: () => number,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  const jittered = Math.floor(random() * ceiling);
  return Math.min(policy.maxDelayMs, Math.max(jittered, retryAfterMs ?? 0));
}
