/**
 * @module System health dashboard (V1-FR-OPS-004; API_CONTRACT §6 `GET /admin/health`): error
 * rate of this API, workflow outcomes of the last 24 h, model provider status, load, config
 * freshness and the global kill switch. Provider status comes from the LiteLLM Proxy the IAMA
 * Router talks to (ARCHITECTURE D2): each configured route `model.l1|l2|l3` is `DOWN` when the
 * proxy does not answer its liveness probe or the route is disabled, else `OK`.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '@iama/db';
import { modelRouteConfigSchema, TERMINAL_STATES, type AdminHealthResponse } from '@iama/contracts';
import type { ApiMetrics } from './api-metrics';
import { globalKillSwitchActive } from './kill-switch';

/** States of a job that has not started work yet: waiting for a worker or for quota. */
const QUEUED_STATES = ['PENDING', 'QUOTA_RESERVING', 'REMOTE_EXECUTION_QUEUED'];
/** Terminal outcomes counted as success (a delivered refactor). */
const SUCCESS_STATES = ['DELIVERED'];
const PROBE_TIMEOUT_MS = 2_000;

export type HealthDeps = {
  db: Kysely<Database>;
  metrics: ApiMetrics;
  liteLlmBaseUrl: string | null;
  fetchImpl?: typeof fetch;
};

type ProviderStatus = AdminHealthResponse['model_provider_status'][number];

/** `GET <proxy>/health/liveliness` (LiteLLM's liveness route): it checks the proxy, not the providers. */
async function proxyAlive(baseUrl: string | null, fetchImpl: typeof fetch): Promise<boolean> {
  if (!baseUrl) return false;
  try {
    const res = await fetchImpl(new URL('/health/liveliness', baseUrl), {
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

async function providerStatus(deps: HealthDeps): Promise<ProviderStatus[]> {
  const [rows, alive] = await Promise.all([
    deps.db
      .selectFrom('dynamic_configs')
      .select(['config_key', 'config_value'])
      .where('config_key', 'in', ['model.l1', 'model.l2', 'model.l3'])
      .orderBy('config_key')
      .execute(),
    proxyAlive(deps.liteLlmBaseUrl, deps.fetchImpl ?? fetch),
  ]);
  const out: ProviderStatus[] = [{ provider: 'litellm-proxy', status: alive ? 'OK' : 'DOWN' }];
  for (const row of rows) {
    const route = modelRouteConfigSchema.safeParse(row.config_value);
    if (!route.success) {
      out.push({ provider: row.config_key, status: 'DOWN' });
      continue;
    }
    out.push({
      provider: `${row.config_key}:${route.data.model_id}`,
      status: alive && route.data.enabled ? 'OK' : 'DOWN',
    });
  }
  return out;
}

export async function systemHealth(
  deps: HealthDeps,
  now = new Date(),
): Promise<AdminHealthResponse> {
  const since = new Date(now.getTime() - 24 * 60 * 60 * 1000);
  const terminal = [...TERMINAL_STATES] as string[];
  const [jobs, config, killSwitch, providers] = await Promise.all([
    deps.db
      .selectFrom('refactor_jobs')
      .select([
        sql<string>`count(*) filter (where status not in (${sql.join(terminal)}))`.as('active'),
        sql<string>`count(*) filter (where status in (${sql.join(QUEUED_STATES)}))`.as('queued'),
        sql<string>`count(*) filter (where status in (${sql.join(terminal)}) and coalesce(completed_at, updated_at) >= ${since})`.as(
          'finished',
        ),
        sql<string>`count(*) filter (where status in (${sql.join(SUCCESS_STATES)}) and coalesce(completed_at, updated_at) >= ${since})`.as(
          'succeeded',
        ),
      ])
      .executeTakeFirstOrThrow(),
    deps.db
      .selectFrom('dynamic_configs')
      .select((eb) => eb.fn.max('effective_at').as('last'))
      .executeTakeFirst(),
    globalKillSwitchActive(deps.db),
    providerStatus(deps),
  ]);
  const finished = Number(jobs.finished);
  return {
    api_error_rate_1h: deps.metrics.errorRate1h(),
    // No finished job in the window is no evidence of failure: report 1.
    workflow_success_rate_24h: finished === 0 ? 1 : Number(jobs.succeeded) / finished,
    model_provider_status: providers,
    active_jobs: Number(jobs.active),
    queue_depth: Number(jobs.queued),
    // The epoch stands for "never changed" (the field is not nullable in §6).
    config_last_updated_at: (config?.last ? new Date(config.last) : new Date(0)).toISOString(),
    kill_switch_active: killSwitch,
  };
}
