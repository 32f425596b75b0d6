/**
 * @module Provider status per model alias for the admin health view (OK / DEGRADED / DOWN):
 * DOWN after consecutive failed calls, DEGRADED while recent calls needed retries or failed,
 * OK otherwise. Fed by the router; read by the admin API.
 */

export type ProviderStatus = 'OK' | 'DEGRADED' | 'DOWN';

export type ProviderHealthEntry = {
  alias: string;
  status: ProviderStatus;
  consecutiveFailures: number;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  lastFailureKind: string | null;
  /** When DEGRADED lapses back to OK if nothing else fails (epoch ms); null when never troubled. */
  degradedUntil: number | null;
};

export type HealthOptions = { downAfterConsecutiveFailures: number; degradedWindowMs: number };

export class ProviderHealth {
  private readonly entries = new Map<
    string,
    {
      consecutiveFailures: number;
      lastSuccessAt: number | null;
      lastFailureAt: number | null;
      lastTroubleAt: number | null;
      lastFailureKind: string | null;
    }
  >();

  constructor(
    private readonly now: () => number,
    private readonly options: HealthOptions = {
      downAfterConsecutiveFailures: 3,
      degradedWindowMs: 5 * 60_000,
    },
  ) {}

  private entry(alias: string) {
    let e = this.entries.get(alias);
    if (!e)
      this.entries.set(
        alias,
        (e = {
          consecutiveFailures: 0,
          lastSuccessAt: null,
          lastFailureAt: null,
          lastTroubleAt: null,
          lastFailureKind: null,
        }),
      );
    return e;
  }

  /** A provider attempt failed (`kind`: rate_limited, server, network…). */
  failure(alias: string, kind: string): void {
    const e = this.entry(alias);
    e.consecutiveFailures += 1;
    e.lastFailureAt = e.lastTroubleAt = this.now();
    e.lastFailureKind = kind;
  }

  success(alias: string): void {
    const e = this.entry(alias);
    e.consecutiveFailures = 0;
    e.lastSuccessAt = this.now();
  }

  /**
   * Status of one alias (OK when never seen).
   * @example health.status('l1') // 'OK'
   */
  status(alias: string): ProviderStatus {
    const e = this.entries.get(alias);
    if (!e) return 'OK';
    if (e.consecutiveFailures >= this.options.downAfterConsecutiveFailures) return 'DOWN';
    if (e.lastTroubleAt !== null && this.now() - e.lastTroubleAt < this.options.degradedWindowMs)
      return 'DEGRADED';
    return 'OK';
  }

  /** One alias's entry (a never-seen alias is OK with no history). */
  entryOf(alias: string): ProviderHealthEntry {
    const e = this.entries.get(alias);
    return {
      alias,
      status: this.status(alias),
      consecutiveFailures: e?.consecutiveFailures ?? 0,
      lastSuccessAt: e?.lastSuccessAt ?? null,
      lastFailureAt: e?.lastFailureAt ?? null,
      lastFailureKind: e?.lastFailureKind ?? null,
      degradedUntil:
        e?.lastTroubleAt == null ? null : e.lastTroubleAt + this.options.degradedWindowMs,
    };
  }

  snapshot(): ProviderHealthEntry[] {
    return [...this.entries.keys()].map((alias) => this.entryOf(alias));
  }
}
