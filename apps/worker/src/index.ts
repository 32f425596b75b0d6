/** @module Public surface of the worker app, used by the API (workflow types) and tests. */
export { createActivities, type Activities, type ActivityDeps } from './activities';
export { createIamaWorker, workflowBundle, WORKFLOWS_PATH } from './worker';
export { DEFAULT_TASK_QUEUE } from './task-queue';
export type { HealthProbeResult } from './workflows/health-probe';
