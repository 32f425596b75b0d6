/** @module The scheduled monthly quota refresh (V1-FR-PAY-003): one activity, retried on faults. */
import { proxyActivities } from '@temporalio/workflow';
import type { QuotaRefreshActivities, QuotaRefreshResult } from '../activities/quota-refresh';

const { refreshBillingCycles } = proxyActivities<QuotaRefreshActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { maximumAttempts: 5, initialInterval: '5 seconds' },
});

/** Moves every ended billing cycle forward; each move writes its own audit event. */
export async function quotaRefreshWorkflow(): Promise<QuotaRefreshResult> {
  return refreshBillingCycles();
}
