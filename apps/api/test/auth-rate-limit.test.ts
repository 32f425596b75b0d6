/**
 * The token bucket behind the auth rate limits (PRD V1 §16 item 6: requests per minute plus
 * burst, deterministic 429). Pure: the clock is an argument, so every answer is exact.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRateLimiter } from '../src/auth/rate-limit';

void describe('createRateLimiter (PRD V1 §16 item 6)', () => {
  void it('allows the burst back to back, then refuses with the exact wait until the next token', () => {
    const l = createRateLimiter({ perMinute: 60, burst: 3 });
    const answers = [0, 0, 0, 0].map(() => l.take('k', 1_000));
    assert.deepEqual(
      answers.map((a) => [a.allowed, a.remaining, a.retryAfterMs]),
      [
        [true, 2, 0],
        [true, 1, 0],
        [true, 0, 0],
        [false, 0, 1000],
      ],
    );
    assert.equal(answers[3]!.resetMs, 3000);
  });

  void it('refills at the sustained rate and never above the burst', () => {
    const l = createRateLimiter({ perMinute: 60, burst: 2 });
    l.take('k', 0);
    l.take('k', 0);
    assert.equal(l.take('k', 500).allowed, false);
    assert.equal(l.take('k', 1_000).allowed, true, 'one token per second at 60/min');
    assert.equal(
      l.take('k', 1_000_000).remaining,
      1,
      'a long idle period refills to the burst only',
    );
  });

  void it('keys are independent, and the oldest keys are forgotten beyond the cap', () => {
    const l = createRateLimiter({ perMinute: 1, burst: 1 }, 2);
    assert.equal(l.take('a', 0).allowed, true);
    assert.equal(l.take('b', 0).allowed, true);
    assert.equal(l.take('a', 0).allowed, false);
    l.take('c', 0); // evicts 'b', the least recently used
    assert.equal(l.take('b', 0).allowed, true);
  });

  void it('rejects a policy that could never admit a request', () => {
    assert.throws(() => createRateLimiter({ perMinute: 0, burst: 1 }));
    assert.throws(() => createRateLimiter({ perMinute: 10, burst: 0 }));
  });
});
