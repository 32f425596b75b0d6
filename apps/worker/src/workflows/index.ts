/** @module Every workflow the IAMA worker registers. Sandbox-safe imports only. */
export { healthProbeWorkflow } from './health-probe';
export { refactorJobWorkflow } from './refactor-job/workflow';
export { deepFixWorkflow } from './refactor-job/deep-fix';
export { quotaRefreshWorkflow } from './quota-refresh';
