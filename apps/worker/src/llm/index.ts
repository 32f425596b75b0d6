/**
 * @module The IAMA Router as the worker builds it (issue #4): activities call
 * `createWorkerRouter({ db, config: loadRouterConfig() })` once per worker and share the router;
 * the admin API reads provider status with `readProviderStatus` from `@iama/llm/postgres`.
 */
export { createWorkerRouter, type WorkerRouter, type WorkerRouterDeps } from './create-router';
export { loadRouterConfig, RouterConfigError, type RouterConfig } from './router-config';
export { readProviderStatus, type ProviderStatusView } from '@iama/llm/postgres';
