/**
 * @module The Fastify side of rate limiting (PRD V1 §16 item 6; ARCHITECTURE §5): standard
 * `RateLimit-*` headers on every answer, and over the limit a deterministic 429 `RATE_LIMITED`
 * with `retry_after` / `reset_at` in the body and `Retry-After` in seconds.
 */
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { ApiError } from '../errors';
import type { RateLimiter } from './rate-limit';

export type RateKey = (req: FastifyRequest) => string;

/** @example app.addHook('onRequest', rateLimitHook(createRateLimiter(policy), (req) => `auth:${req.ip}`)); */
export function rateLimitHook(
  limiter: RateLimiter,
  keyOf: RateKey,
  now: () => number = Date.now,
): onRequestAsyncHookHandler {
  return async (req: FastifyRequest, reply: FastifyReply) =>
    applyRateLimit(limiter, keyOf(req), reply, now());
}

/** Takes one request from `key`'s bucket: sets the headers, throws the 429 when it is empty. */
export function applyRateLimit(
  limiter: RateLimiter,
  key: string,
  reply: FastifyReply,
  at: number,
): void {
  const d = limiter.take(key, at);
  void reply.header('ratelimit-limit', d.limit);
  void reply.header('ratelimit-remaining', d.remaining);
  void reply.header('ratelimit-reset', Math.ceil(d.resetMs / 1000));
  if (d.allowed) return;
  const seconds = Math.max(1, Math.ceil(d.retryAfterMs / 1000));
  void reply.header('retry-after', seconds);
  const retryAt = new Date(at + seconds * 1000).toISOString();
  throw new ApiError(
    'RATE_LIMITED',
    'Too many requests; retry later',
    { limit: d.limit, retry_after_seconds: seconds },
    { retry_after: retryAt, reset_at: retryAt },
  );
}
