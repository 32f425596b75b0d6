/**
 * @module `@iama/llm`, the IAMA Router (issue #4; ADR-002; ARCHITECTURE D2): entitlement-aware
 * model routing through the LiteLLM Proxy, strict output contracts and metering. Used
 * in-process by the worker, which supplies the adapters of `./ports` (PostgreSQL ones: the
 * `@iama/llm/postgres` subpath).
 */
export { createRouter, type IamaRouter, type RouterOptions } from './router';
export {
  STAGES,
  type Stage,
  type BudgetPolicy,
  type Preauthorization,
  type EntitlementSnapshot,
  type PromptInput,
  type CallRequest,
  type CallResult,
  type CacheStatus,
  type TokenCounts,
  type RouteRecord,
  type ProgressEvent,
} from './types';
export {
  RouterError,
  ROUTER_CODES,
  isRouterError,
  type FailureClass,
  type RouterCode,
} from './errors';
export {
  systemClock,
  type RouteTableSource,
  type LedgerEntry,
  type LedgerSink,
  type AuditEvent,
  type AuditSink,
  type Clock,
  type SecretsProvider,
  type RouteRecordSink,
  type ProviderStatusSink,
  type ProviderStatusChange,
} from './ports';
export { waterfallClass, isEscalation, REPAIR_L2_FROM_ITERATION } from './waterfall';
export { decideRoute, type RouteDecision, type GateDeps } from './gates';
export {
  issueConfirmationToken,
  verifyConfirmationToken,
  type ConfirmationClaims,
  type ConfirmationBasis,
  type TokenCheck,
} from './confirmation';
export { SessionLimiter } from './concurrency';
export { applyContextCap, type ContextGateResult } from './context-gate';
export { systemTemplate, reinforcement } from './prompts/templates';
export {
  buildMessages,
  CACHE_MIN_TOKENS,
  roughTokens,
  type BuiltPrompt,
  type ChatMessage,
  type ContentPart,
  type CacheControl,
} from './prompts/segments';
export { parseAnswer, extractJsonText, type ParseOutcome } from './output';
export { backoffDelay, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry';
export { ProviderHealth, type ProviderStatus, type ProviderHealthEntry } from './provider-health';
export {
  streamChat,
  ProviderError,
  type StreamRequest,
  type StreamOutcome,
} from './provider/chat-stream';
export { drainEvents } from './provider/sse';
export { normalizeUsage, normalizeFinish } from './provider/normalize';
export {
  creditsFor,
  ledgerKey,
  ledgerQuantity,
  creditsOfLedgerQuantity,
  LEDGER_UNITS_PER_CREDIT,
  FIXTURE_PRICES,
  type PriceTable,
} from './metering';
export { RouteTable, type ResolvedRoute } from './route-table';
export { envSecrets, fileSecrets, chainSecrets, envVarOf, SecretNotFoundError } from './secrets';
