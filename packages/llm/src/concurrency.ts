/**
 * @module At most 3 concurrent L1 calls per user session (V1-FR-ROUTE-002, ADR-002 amendment).
 * A fourth call waits for a slot (bounded by `maxWaitMs` and the caller's abort signal) rather
 * than failing, so a burst of test generations queues instead of erroring. Per worker process:
 * see docs/llm/decisions.md.
 */
import { RouterError } from './errors';

type Waiter = { resolve: () => void; reject: (err: unknown) => void };

export class SessionLimiter {
  private readonly active = new Map<string, number>();
  private readonly queues = new Map<string, Waiter[]>();

  constructor(
    readonly limit: number,
    private readonly maxWaitMs: number,
  ) {}

  /**
   * Takes a slot for `sessionId`; the returned function gives it back (call it exactly once).
   * @example const release = await limiter.acquire(sessionId, signal); try { … } finally { release(); }
   */
  async acquire(sessionId: string, signal?: AbortSignal): Promise<() => void> {
    // A waiter is handed the releasing call's slot directly, so a newcomer cannot overtake it.
    if ((this.active.get(sessionId) ?? 0) >= this.limit) await this.wait(sessionId, signal);
    else this.active.set(sessionId, (this.active.get(sessionId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const queue = this.queues.get(sessionId);
      const next = queue?.shift();
      if (queue?.length === 0) this.queues.delete(sessionId);
      if (next) return next.resolve();
      const n = (this.active.get(sessionId) ?? 1) - 1;
      if (n === 0) this.active.delete(sessionId);
      else this.active.set(sessionId, n);
    };
  }

  /** Calls in flight for a session (admin/test visibility). */
  inFlight(sessionId: string): number {
    return this.active.get(sessionId) ?? 0;
  }

  private wait(sessionId: string, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const queue = this.queues.get(sessionId) ?? [];
      this.queues.set(sessionId, queue);
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const i = queue.indexOf(waiter);
        if (i >= 0) queue.splice(i, 1);
      };
      const waiter: Waiter = {
        resolve: () => {
          cleanup();
          resolve();
        },
        reject: (err) => {
          cleanup();
          reject(err);
        },
      };
      const timer = setTimeout(
        () =>
          waiter.reject(
            new RouterError('L1_CONCURRENCY_LIMIT', `session already runs ${this.limit} L1 calls`, {
              limit: this.limit,
              waitedMs: this.maxWaitMs,
            }),
          ),
        this.maxWaitMs,
      );
      const onAbort = () => waiter.reject(signal!.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(waiter);
    });
  }
}
