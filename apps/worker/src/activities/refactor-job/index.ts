/** @module Activities of `refactorJobWorkflow` and `deepFixWorkflow` (issue #6), from one factory. */
import type { RefactorJobDeps } from './deps';
import { createJobStateActivities } from './job-state';
import { createPatchingActivities } from './patching';
import { createPlanningActivities } from './planning';
import { createQuotaActivities } from './quota';
import { createTestRunActivities } from './test-runs';

export type { RefactorJobDeps } from './deps';

export function createRefactorJobActivities(deps: RefactorJobDeps) {
  return {
    ...createJobStateActivities(deps.db),
    ...createQuotaActivities(deps.db),
    ...createPlanningActivities(deps),
    ...createTestRunActivities(deps.db),
    ...createPatchingActivities(deps),
  };
}

export type RefactorJobActivities = ReturnType<typeof createRefactorJobActivities>;
