/**
 * @module The router's vocabulary (V1-FR-ROUTE-002/003, PRD V1 §11): stages, the job's
 * entitlement snapshot as the router reads it, a call request, its result and progress events.
 * Application code names a stage (and optionally a class or phase), never a model.
 */
import type { Slice } from '@iama/context';
import type {
  LlmOutput,
  LlmSchemaFamily,
  ModelClass,
  OperatingMode,
  RoutingPhase,
  Tier,
} from '@iama/contracts';

/** Stages of V1-FR-ROUTE-002/003 plus the two L2/L3 uses the PRD names outside the repair loop. */
export const STAGES = [
  'planning',
  'test_generation',
  'refactor_generation',
  'repair',
  'fallback_conversation',
  /** BDD/SDD natural-language interpretation (`spec/nl-convert`, AGENT.md resolution 21). */
  'spec_interpretation',
  /** Deep Fix: context reset, phase 3 where the tier has it (V1-FR-ROUTE-002, V1-FR-TEST-003A). */
  'deep_fix',
] as const;
export type Stage = (typeof STAGES)[number];

/** What to do when a pre-authorized escalation budget is spent (V1-FR-BIL-003). */
export type BudgetPolicy = 'degrade_to_base_model' | 'stop';

/** Job-start pre-authorization of escalation (V1-FR-ROUTE-003/005; Enterprise only per the tier matrix). */
export type Preauthorization = {
  phaseCeiling: RoutingPhase;
  /** Credits the escalated phases (2, 3) of this job may spend; `null` = no budget beyond the plan's. */
  creditBudget: number | null;
  onBudgetExhausted: BudgetPolicy;
};

/**
 * The job's immutable entitlement snapshot (DB `entitlement_snapshots`, invariant 10), in the
 * router's terms. `phases` comes from `phase_limits`; the router still intersects it with the
 * tier matrix, which is server-side truth (V1-FR-SUB-004).
 */
export type EntitlementSnapshot = {
  jobId: string;
  userId: string;
  tier: Tier;
  operatingMode: OperatingMode;
  phases: readonly RoutingPhase[];
  contextCap: number;
  preauthorization?: Preauthorization;
  /** Output caps fixed at job creation (PRD V1 §11 note: "changes take effect on the next job creation"). */
  outputCaps?: Partial<Record<ModelClass, number>>;
};

/** The prompt material of a call, by cache segment (V1-FR-CTX-006). Nothing here is ever logged. */
export type PromptInput = {
  /** Slices from `@iama/context`: dependencies go to the 1 h segment, spec to the 5 min one, targets are fresh. */
  slices?: readonly Slice[];
  /** Approved BDD/SDD spec text (5 min segment). */
  approvedSpec?: string;
  /** Test spec text (5 min segment). */
  testSpec?: string;
  /** The instruction for this call (fresh). */
  task: string;
  /** Per-retry error output (fresh). */
  errorOutput?: string;
  /** User edits within the current retry (fresh). */
  userEdits?: string;
};

export type CallRequest<F extends LlmSchemaFamily = LlmSchemaFamily> = {
  snapshot: EntitlementSnapshot;
  stage: Stage;
  /** 1-based repair iteration; drives the waterfall of V1-FR-ROUTE-003. */
  iteration?: number;
  /** Ask for a class or phase explicitly (fast-track, "L2 escalation or L3"); still gated. */
  modelClass?: ModelClass;
  phase?: RoutingPhase;
  /** Attempt number of the job's ledger idempotency key `{job_id}:{model_class}:{attempt_number}`. */
  attemptNumber: number;
  /** IDE session of the user: at most 3 concurrent L1 calls per session (V1-FR-ROUTE-002). */
  sessionId: string;
  family: F;
  prompt: PromptInput;
  /** Issued by the workflow after the user confirmed (or from a pre-authorization); required for L3. */
  confirmationToken?: string;
  /** Heartbeat loss / spec change (SERVICE_ARCHITECTURE §3.4): aborting closes the upstream stream. */
  signal?: AbortSignal;
  /** Progress and heartbeat, at least every `heartbeatIntervalMs` (V1-FR-OBS-003, AGENT.md resolution 16). */
  onProgress?: (event: ProgressEvent) => void;
};

export type CacheStatus = 'HIT' | 'MISS' | 'NOT_CACHEABLE';

export type TokenCounts = { promptTokens: number; cachedTokens: number; completionTokens: number };

/** One line of the per-call route record (V1-FR-ROUTE-002 acceptance). Never prompt or code. */
export type RouteRecord = {
  jobId: string;
  attemptNumber: number;
  tier: Tier;
  stage: Stage;
  modelClass: ModelClass | null;
  phase: RoutingPhase | null;
  alias: string | null;
  reason: string;
  outcome: 'OK' | 'DENIED' | 'FAILED' | 'ABORTED';
  errorCode?: string;
  cacheStatus: CacheStatus;
  /** Tokens the provider reported (or the router estimated when the stream was cut). */
  tokens: TokenCounts;
  credits: number;
  latencyMs: number;
  providerCalls: number;
  pruning?: { tokensBefore: number; tokensAfter: number; prunedSlices: number };
};

export type ProgressEvent = {
  type:
    | 'dispatched'
    | 'streaming'
    | 'heartbeat'
    | 'retrying'
    | 'policy_violation'
    | 'repair_retry'
    | 'completed'
    | 'failed';
  stage: Stage;
  modelClass: ModelClass;
  /** Output tokens received so far in the current provider call (estimate while streaming). */
  outputTokens: number;
  elapsedMs: number;
  /** Short machine-oriented summary (status code, error code); never model output. */
  summary?: string;
};

export type CallResult<F extends LlmSchemaFamily = LlmSchemaFamily> = {
  output: LlmOutput<F>;
  /** Whether the tolerant parser had to repair the JSON text (PRD V1 §11 item 7). */
  repaired: boolean;
  record: RouteRecord;
};
