/**
 * @module `@iama/llm/postgres`: the router's ports over PostgreSQL through the typed query layer of
 * `@iama/db` (DB_SCHEMA §2 `usage_ledger`, §6 `audit_events`, §8 `dynamic_configs`). The only
 * I/O-bound part of the package: the worker wires it (`apps/worker/src/llm`), the admin API reads
 * provider status with `readProviderStatus`; `@iama/llm` itself never imports it.
 */
export { pgLedger } from './ledger';
export { pgAudit, pgRouteRecords, ROUTE_RECORD_EVENT } from './audit';
export { dynamicConfigRoutes, seedModelRoutes, RouteConfigError } from './routes';
export {
  pgProviderStatus,
  readProviderStatus,
  PROVIDER_STATUS_EVENT,
  type ProviderStatusView,
} from './provider-status';
export { snakeKeys } from './snake-keys';
