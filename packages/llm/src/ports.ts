/**
 * @module The router's I/O, as small ports (ARCHITECTURE §2: the library has no I/O of its own
 * beyond its inputs). The PostgreSQL adapters are the `@iama/llm/postgres` subpath, which only
 * the worker (and the admin API's provider-status read) imports; `@iama/llm` itself stays pure.
 */
import type { ModelClass, ModelRoutes, RoutingPhase } from '@iama/contracts';
import type { FailureClass } from './errors';
import type { ProviderHealthEntry, ProviderStatus } from './provider-health';
import type { RouteRecord } from './types';

/** Where `model.l1|l2|l3` come from (DB `dynamic_configs`, DB_SCHEMA §8.1). */
export type RouteTableSource = { load(): Promise<ModelRoutes> };

/**
 * One metered call (V1-FR-SUB-002/006, PRD V1 §9.10). `idempotencyKey` is
 * `{job_id}:{model_class}:{attempt_number}` (AGENT.md resolution 7).
 */
export type LedgerEntry = {
  idempotencyKey: string;
  userId: string;
  jobId: string;
  modelClass: ModelClass;
  phase: RoutingPhase;
  /** `phase_N_call` (DB `usage_ledger.event_type`). */
  eventType: `phase_${RoutingPhase}_call`;
  attemptNumber: number;
  /** Unrounded credits; adapters round once where the column demands it. */
  credits: number;
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  billable: boolean;
  failureClass: FailureClass | null;
  recordedAt: Date;
};

export type LedgerSink = {
  /** Insert-once by `idempotencyKey` (`ON CONFLICT DO NOTHING`); `inserted: false` on a repeat. */
  record(entry: LedgerEntry): Promise<{ inserted: boolean }>;
  /** Credits a job already spent in phases >= `minPhase` (pre-authorization budgets). */
  jobCredits(jobId: string, minPhase: RoutingPhase): Promise<number>;
};

/** DB `audit_events` shape in the router's terms; metadata is ids, codes and counts only. */
export type AuditEvent = {
  eventType:
    | 'model_output_policy_violation'
    | 'llm_output_fail_closed'
    | 'llm_route_denied'
    | 'llm_l3_dispatched';
  jobId: string;
  actorId: string | null;
  /** Every routing audit event names its model class (ADR-002 action item 9); null when no class was resolved. */
  modelClass: ModelClass | null;
  metadata: Record<string, unknown>;
};
export type AuditSink = { record(event: AuditEvent): Promise<void> };

export type Clock = {
  now(): number;
  /** Resolves after `ms`, rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
};

/** Resolves a secret reference (`api_key_ref`) to its value; never logs it. */
export type SecretsProvider = { resolve(ref: string): Promise<string> };

/** Structured sink of per-call route records (V1-FR-ROUTE-002 acceptance, V1-FR-OBS-003); awaited. */
export type RouteRecordSink = (record: RouteRecord) => void | Promise<void>;

/** A provider alias's status or DEGRADED window changed; `previous` is the status before. */
export type ProviderStatusChange = ProviderHealthEntry & { previous: ProviderStatus };

/**
 * Where provider status changes go so the admin health view (API_CONTRACT §6
 * `model_provider_status`) can read them from another process. Best effort: a failing sink never
 * fails a model call.
 */
export type ProviderStatusSink = (change: ProviderStatusChange) => void | Promise<void>;

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
