/** @module Health-probe workflow: proves API → Temporal → worker → PostgreSQL wiring (issue #2). */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { recordHealthProbe } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 3 },
});

export type HealthProbeResult = { probeId: string; auditEventId: string };

/** Writes one `audit_events` row through an activity and returns its id. */
export async function healthProbeWorkflow(probeId: string): Promise<HealthProbeResult> {
  const auditEventId = await recordHealthProbe(probeId);
  return { probeId, auditEventId };
}
