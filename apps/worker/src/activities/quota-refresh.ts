/**
 * @module The monthly quota refresh (V1-FR-PAY-003): the activity moves every ended billing cycle
 * forward through the control plane's own quota module (one implementation for API and worker),
 * and `ensureQuotaRefreshSchedule` installs the Temporal Schedule that runs it. Boundaries are
 * per-user anniversaries, so the schedule sweeps often (hourly by default) rather than monthly.
 */
import type { Kysely } from 'kysely';
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Database } from '@iama/db';
import { refreshDueCycles } from '@iama/api/quota';

export type QuotaRefreshResult = { refreshed: number; auditEventIds: string[] };

export function createQuotaRefreshActivities(db: Kysely<Database>) {
  return {
    /** Idempotent: a retried or overlapping run moves each cycle once (conditional update). */
    async refreshBillingCycles(): Promise<QuotaRefreshResult> {
      const moved = await refreshDueCycles(db, new Date());
      return { refreshed: moved.length, auditEventIds: moved.map((m) => m.auditEventId) };
    },
  };
}

export type QuotaRefreshActivities = ReturnType<typeof createQuotaRefreshActivities>;

export const QUOTA_REFRESH_SCHEDULE_ID = 'iama-quota-refresh';

export type QuotaRefreshScheduleOptions = {
  taskQueue: string;
  scheduleId?: string;
  /** Temporal duration string; default one hour. */
  every?: string;
};

/**
 * Creates the schedule, or updates it when it exists (worker start-up may run many times).
 * Overlapping runs are skipped; a run that is still going is left alone.
 * @example await ensureQuotaRefreshSchedule(client, { taskQueue: 'iama-refactor' });
 */
export async function ensureQuotaRefreshSchedule(
  client: Client,
  opts: QuotaRefreshScheduleOptions,
): Promise<string> {
  const scheduleId = opts.scheduleId ?? QUOTA_REFRESH_SCHEDULE_ID;
  const every = (opts.every ?? '1 hour') as `${number} ${string}`;
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'quotaRefreshWorkflow',
    taskQueue: opts.taskQueue,
    args: [] as [],
    workflowExecutionTimeout: '30 minutes' as const,
  };
  try {
    await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every }] },
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule
      .getHandle(scheduleId)
      .update((prev) => ({ ...prev, spec: { intervals: [{ every }] }, action }));
  }
  return scheduleId;
}
