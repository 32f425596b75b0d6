/**
 * @module Activity proxies with the timeouts, retries and heartbeats of SERVICE_ARCHITECTURE §3.3
 * and AGENT.md resolution 16. Model activities heartbeat (90 s timeout = 3 × 30 s interval), so a
 * cancellation (heartbeat loss, spec change, cancel) reaches the stream.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { RefactorJobActivities } from '../../activities/refactor-job';

/** Database bookkeeping: short, retried with backoff. */
export const db = proxyActivities<RefactorJobActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 5, backoffCoefficient: 2, initialInterval: '500 milliseconds' },
});

/** `analyzeScope`: 5 min, 3 attempts, backoff 2x. */
export const scope = proxyActivities<RefactorJobActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '90 seconds',
  retry: {
    maximumAttempts: 3,
    backoffCoefficient: 2,
    nonRetryableErrorTypes: [
      'ENTITLEMENT_DENIED_PHASE',
      'LLM_OUTPUT_INVALID',
      'LLM_OUTPUT_CAP_EXCEEDED',
    ],
  },
});

/** `generateProposal` class (spec extraction): 3 min, 2 attempts, no backoff. */
export const proposal = proxyActivities<RefactorJobActivities>({
  startToCloseTimeout: '3 minutes',
  heartbeatTimeout: '90 seconds',
  retry: { maximumAttempts: 2, backoffCoefficient: 1 },
});

/** `generatePatch` class (refactor, repair, test generation: L1 may stream 30,000 tokens): 30 min, heartbeat 90 s, 2 attempts, backoff 2x. */
export const generation = proxyActivities<RefactorJobActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '90 seconds',
  retry: { maximumAttempts: 2, backoffCoefficient: 2 },
});

/** `applyPatch`: 2 min, 3 attempts, immediate. */
export const apply = proxyActivities<RefactorJobActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 3, backoffCoefficient: 1, initialInterval: '100 milliseconds' },
});

/** `runTests` (D5 async completion): one attempt, results are deterministic; the timeout is the job policy's. */
export function testRuns(testReportTimeoutSeconds: number) {
  return proxyActivities<RefactorJobActivities>({
    startToCloseTimeout: `${testReportTimeoutSeconds} seconds`,
    retry: { maximumAttempts: 1 },
  });
}
