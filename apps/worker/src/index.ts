/** @module Public surface of the worker app, used by the API (workflow types) and tests. */
export { createActivities, type Activities, type ActivityDeps } from './activities';
export { createIamaWorker, workflowBundle, WORKFLOWS_PATH } from './worker';
export { DEFAULT_TASK_QUEUE } from './task-queue';
export {
  createWorkerRouter,
  loadRouterConfig,
  RouterConfigError,
  readProviderStatus,
  type WorkerRouter,
} from './llm';
export type { HealthProbeResult } from './workflows/health-probe';
export * from './workflows/refactor-job/api';
export {
  completeTestRun,
  findAwaitedTestRun,
  toTestRunReport,
  type AwaitedTestRun,
} from './activities/refactor-job/test-run-completion';
export {
  classifyTestRun,
  failureFingerprint,
  type TestRunVerdict,
} from './activities/refactor-job/test-classification';
