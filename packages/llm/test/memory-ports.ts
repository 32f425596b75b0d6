/**
 * @module In-memory ports for the router's tests and benchmark. The ledger keeps the
 * `ON CONFLICT DO NOTHING` semantics of `usage_ledger.idempotency_key` (invariant 7); the
 * PostgreSQL adapter is exercised against the real database where the harness provides one.
 */
import type { ModelRoutes } from '@iama/contracts';
import type { AuditEvent, AuditSink, LedgerEntry, LedgerSink, RouteRecord, RouteTableSource } from '../src/index';

export class MemoryLedger implements LedgerSink {
  readonly rows = new Map<string, LedgerEntry>();
  async record(entry: LedgerEntry): Promise<{ inserted: boolean }> {
    if (this.rows.has(entry.idempotencyKey)) return { inserted: false };
    this.rows.set(entry.idempotencyKey, entry);
    return { inserted: true };
  }
  async jobCredits(jobId: string, minPhase: number): Promise<number> {
    return [...this.rows.values()].filter((r) => r.jobId === jobId && r.phase >= minPhase && r.billable).reduce((n, r) => n + r.credits, 0);
  }
}

export class MemoryAudit implements AuditSink {
  readonly events: AuditEvent[] = [];
  async record(event: AuditEvent): Promise<void> {
    this.events.push(event);
  }
}

/** A route source an "operator" can edit between calls. */
export class MutableRoutes implements RouteTableSource {
  loads = 0;
  constructor(public routes: ModelRoutes) {}
  async load(): Promise<ModelRoutes> {
    this.loads += 1;
    return structuredClone(this.routes);
  }
}

export class RecordLog {
  readonly records: RouteRecord[] = [];
  readonly sink = (r: RouteRecord) => {
    this.records.push(r);
  };
}
