/**
 * @module Provider status (OK / DEGRADED / DOWN) across processes (issue #4; V1-FR-OPS-004;
 * API_CONTRACT §6 `GET /api/v1/admin/health` `model_provider_status`). The router keeps status
 * in worker memory; every change is written as an `audit_events` row (`model_provider_status`,
 * `old_state` → `new_state`, `surface = 'SYSTEM'`), and {@link readProviderStatus} — what the
 * admin route calls — takes the latest row per provider. DEGRADED carries its end time, so a
 * reader sees it lapse to OK exactly when the worker would, without a write.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '@iama/db';
import { LLM_MODEL_CLASSES, modelRouteKey } from '@iama/contracts';
import type { ProviderStatusSink } from '../ports';
import type { ProviderStatus } from '../provider-health';

/** `audit_events.event_type` of a provider status change. */
export const PROVIDER_STATUS_EVENT = 'model_provider_status';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * @example createRouter({ …, statusSink: pgProviderStatus(db) })
 */
export function pgProviderStatus(db: Kysely<Database>): ProviderStatusSink {
  return async (change) => {
    await db
      .insertInto('audit_events')
      .values({
        event_type: PROVIDER_STATUS_EVENT,
        old_state: change.previous,
        new_state: change.status,
        surface: 'SYSTEM',
        metadata: {
          provider: change.alias,
          consecutive_failures: change.consecutiveFailures,
          last_failure_kind: change.lastFailureKind,
          last_failure_at: iso(change.lastFailureAt),
          last_success_at: iso(change.lastSuccessAt),
          degraded_until: iso(change.degradedUntil),
        },
      })
      .execute();
  };
}

export type ProviderStatusView = {
  /** The LiteLLM alias the router calls (`l1`, `l2`, `l3`). */
  provider: string;
  /** `model_id` of the alias's `dynamic_configs` route, when one is configured. */
  modelId: string | null;
  enabled: boolean | null;
  status: ProviderStatus;
  /** When the last recorded change happened; null = never troubled (OK). */
  changedAt: Date | null;
};

/**
 * Status of every configured route (`model.l1|l2|l3`) and every alias with a recorded change,
 * as of `now`. Never-troubled providers are OK.
 * @example (await readProviderStatus(db)).map(({ provider, status }) => ({ provider, status })) // API_CONTRACT model_provider_status
 */
export async function readProviderStatus(
  db: Kysely<Database>,
  now: number = Date.now(),
): Promise<ProviderStatusView[]> {
  const latest = await sql<{
    provider: string;
    status: ProviderStatus;
    degraded_until: string | null;
    changed_at: Date;
  }>`
    select distinct on (metadata->>'provider')
      metadata->>'provider' as provider, new_state as status, metadata->>'degraded_until' as degraded_until, created_at as changed_at
    from audit_events
    where event_type = ${PROVIDER_STATUS_EVENT}
    order by metadata->>'provider', created_at desc`.execute(db);
  const routes = await db
    .selectFrom('dynamic_configs')
    .select(['config_key', 'config_value'])
    .where('config_key', 'in', LLM_MODEL_CLASSES.map(modelRouteKey))
    .execute();

  const views = new Map<string, ProviderStatusView>();
  for (const row of routes) {
    const value = (row.config_value ?? {}) as { model_id?: unknown; enabled?: unknown };
    const provider = row.config_key.slice('model.'.length);
    views.set(provider, {
      provider,
      modelId: typeof value.model_id === 'string' ? value.model_id : null,
      enabled: typeof value.enabled === 'boolean' ? value.enabled : null,
      status: 'OK',
      changedAt: null,
    });
  }
  for (const row of latest.rows) {
    const lapsed =
      row.status === 'DEGRADED' &&
      row.degraded_until !== null &&
      Date.parse(row.degraded_until) <= now;
    const view = views.get(row.provider) ?? {
      provider: row.provider,
      modelId: null,
      enabled: null,
      status: 'OK',
      changedAt: null,
    };
    views.set(row.provider, {
      ...view,
      status: lapsed ? 'OK' : row.status,
      changedAt: row.changed_at,
    });
  }
  return [...views.values()].sort((a, b) => a.provider.localeCompare(b.provider));
}
