/**
 * @module Request outcomes of this API process over the last hour, in one-minute buckets, for
 * the health dashboard's `api_error_rate_1h` (V1-FR-OPS-004). Per process: a fleet adds the
 * counts of its instances (docs/admin/decisions.md). Server errors (5xx) count as errors; a
 * 4xx is the caller's mistake, not the API's.
 */
const BUCKET_MS = 60_000;
const WINDOW_BUCKETS = 60;

export class ApiMetrics {
  private readonly buckets = new Map<number, { total: number; errors: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  record(statusCode: number): void {
    const minute = Math.floor(this.now() / BUCKET_MS);
    const b = this.buckets.get(minute) ?? { total: 0, errors: 0 };
    b.total += 1;
    if (statusCode >= 500) b.errors += 1;
    this.buckets.set(minute, b);
    for (const key of this.buckets.keys())
      if (key <= minute - WINDOW_BUCKETS) this.buckets.delete(key);
  }

  /** Errors / requests over the last hour; 0 when nothing was served. */
  errorRate1h(): number {
    const from = Math.floor(this.now() / BUCKET_MS) - WINDOW_BUCKETS + 1;
    let total = 0;
    let errors = 0;
    for (const [minute, b] of this.buckets) {
      if (minute < from) continue;
      total += b.total;
      errors += b.errors;
    }
    return total === 0 ? 0 : errors / total;
  }
}
