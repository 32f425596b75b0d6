/**
 * @module The router's failures (PRD V1 §11 item 8, V1-FR-BIL-001/002): one error type with a
 * stable machine-readable code, the call-level failure class the ledger records, and whether
 * the workflow may retry the activity. Messages never carry prompt text, code or secrets.
 */
import type { ErrorCode } from '@iama/contracts';

export type FailureClass =
  | 'INFRA_FAILURE'
  | 'LOGIC_FAILURE'
  | 'USER_CANCELLED'
  | 'POLICY_BLOCKED'
  | 'TIMEOUT_EXECUTION'
  | 'CLIENT_DISCONNECTED';

/** Codes the router raises beyond the API catalogue; see docs/llm/decisions.md. */
export const ROUTER_CODES = {
  /** Tier, snapshot or missing escalation authorization (V1-FR-ROUTE-005). */
  ENTITLEMENT_DENIED_PHASE: { failureClass: 'POLICY_BLOCKED', retryable: false },
  /** Still over the tier context cap after pruning (V1-FR-CTX-005). */
  CONTEXT_CAP_EXCEEDED: { failureClass: 'POLICY_BLOCKED', retryable: false },
  /** The class has no enabled route in `model.l1|l2|l3` (DB_SCHEMA §8.1). */
  MODEL_ROUTE_UNAVAILABLE: { failureClass: 'INFRA_FAILURE', retryable: true },
  /** 429/5xx/network after the bounded retries. */
  LLM_PROVIDER_UNAVAILABLE: { failureClass: 'INFRA_FAILURE', retryable: true },
  /** The provider refused the request itself (4xx other than 429). */
  LLM_REQUEST_REJECTED: { failureClass: 'INFRA_FAILURE', retryable: false },
  /** Not valid JSON or not schema-valid after the repair retry (PRD V1 §11 item 8). */
  LLM_OUTPUT_INVALID: { failureClass: 'LOGIC_FAILURE', retryable: false },
  /** Over the output cap after the reinforced retry (PRD V1 §11 output-cap table). */
  LLM_OUTPUT_CAP_EXCEEDED: { failureClass: 'LOGIC_FAILURE', retryable: false },
  /** Aborted by the caller (heartbeat loss, spec change). */
  LLM_CALL_ABORTED: { failureClass: 'USER_CANCELLED', retryable: false },
  /** Waited too long for one of the session's 3 L1 slots. */
  L1_CONCURRENCY_LIMIT: { failureClass: 'POLICY_BLOCKED', retryable: true },
} as const satisfies Record<string, { failureClass: FailureClass; retryable: boolean }>;

export type RouterCode = keyof typeof ROUTER_CODES;

/** Codes shared with the API catalogue keep its spelling (`ENTITLEMENT_DENIED_PHASE`). */
type SharedCode = Extract<RouterCode, ErrorCode>;
export const SHARED_WITH_API: readonly SharedCode[] = ['ENTITLEMENT_DENIED_PHASE'];

export class RouterError extends Error {
  override readonly name = 'RouterError';
  readonly failureClass: FailureClass;
  readonly retryable: boolean;
  constructor(
    readonly code: RouterCode,
    message: string,
    /** Machine-readable context: reason codes, counts, never content. */
    readonly detail: Record<string, unknown> = {},
    failureClass?: FailureClass,
  ) {
    super(message);
    this.failureClass = failureClass ?? ROUTER_CODES[code].failureClass;
    this.retryable = ROUTER_CODES[code].retryable;
  }

  /** The machine-readable form handed to the workflow (Temporal `ApplicationFailure` details). */
  toJSON(): {
    code: RouterCode;
    message: string;
    failureClass: FailureClass;
    retryable: boolean;
    detail: Record<string, unknown>;
  } {
    return {
      code: this.code,
      message: this.message,
      failureClass: this.failureClass,
      retryable: this.retryable,
      detail: this.detail,
    };
  }
}

/**
 * @example isRouterError(err, 'ENTITLEMENT_DENIED_PHASE')
 */
export function isRouterError(err: unknown, code?: RouterCode): err is RouterError {
  return err instanceof RouterError && (code === undefined || err.code === code);
}
