/**
 * @module The tier entitlement matrix (V1-FR-SUB-004, PRD V1 §9.2; guide §2.1) as one frozen,
 * typed table. Server-side truth: no client claim overrides it. Contract-defined Enterprise
 * values are `null` here and come from the customer's contract (entitlement snapshot).
 */
import type { ModelClass, RoutingPhase } from './model-class';
import type { Tier } from './tier';

export type OperatingMode = 'SIMPLE' | 'PROFESSIONAL' | 'ENTERPRISE';
export type ExecutionEnvironment = 'LOCAL_ONLY' | 'LOCAL_AND_CLOUD_SANDBOX' | 'DEDICATED_VPC';
export type SpecEditing = 'READ_ONLY' | 'FULL_EDIT';
/** What Deep Fix does on this tier (V1-FR-SUB-004 row "Deep Fix", V1-FR-TEST-003A). */
export type DeepFixPolicy = 'NONE' | 'MANUAL_ONLY' | 'CONTEXT_RESET_L2' | 'L3_WITH_CONFIRMATION';
/** `null` = contract-defined (Enterprise). */
type Contract<T> = T | null;

export type TierEntitlements = {
  tier: Tier;
  /** Credits per billing cycle; Free has no monthly layer (V1-FR-SUB-005). */
  monthlyCredits: Contract<number> | 'NOT_APPLICABLE';
  dailyJobLimit: Contract<number>;
  /** Tokens per request (AGENT.md resolution 1: Max 200K, Enterprise 1M). */
  contextCap: number;
  modelClasses: readonly ModelClass[];
  /** V1-FR-SUB-004 "All + custom": operator-configured custom models are allowed. */
  customModels: boolean;
  /** V1-FR-ROUTE-005. */
  phases: readonly RoutingPhase[];
  /** Max only: skip phase 2 after it failed (V1-FR-ROUTE-006). */
  phase3FastTrack: boolean;
  /** Escalation may be pre-authorized at job start (V1-FR-ROUTE-005). */
  escalationPreauthorization: boolean;
  operatingMode: OperatingMode;
  deepFix: DeepFixPolicy;
  executionEnvironment: ExecutionEnvironment;
  webGithubIntegration: boolean;
  enterpriseAnalysisReport: boolean;
  professionalModeFeatures: boolean;
  specEditing: SpecEditing;
  /** Expert Fast-Track (V1-FR-SPEC-005); V1-FR-SUB-004 lists it for Pro and Max. */
  fastTrack: boolean;
  teamCollaboration: boolean;
  behaviourCoverageGate: boolean;
  concurrentJobs: Contract<number>;
  /** Add-on percentages on offer; `null` = contract-defined, `[]` = none (Plus: upgrade path). */
  addOnPercents: Contract<readonly number[]>;
  /** Per-month premium run allowances of PRD V2 §5.2 (phase 2 / phase 3 runs). */
  v2PremiumRunsPerMonth: Contract<{ phase2: number; phase3: number }>;
};

const deepFreeze = <T>(o: T): T => {
  for (const v of Object.values(o as object)) if (v && typeof v === 'object') deepFreeze(v);
  return Object.freeze(o);
};

/** The matrix. Each value's source: V1-FR-SUB-004 table row of the same name unless noted. */
export const TIER_MATRIX: Readonly<Record<Tier, Readonly<TierEntitlements>>> = deepFreeze({
  FREE: {
    tier: 'FREE',
    monthlyCredits: 'NOT_APPLICABLE', // V1-FR-SUB-004 "N/A (daily job cap)"; V1-FR-SUB-005
    dailyJobLimit: 3, // V1-FR-SUB-004 "3 jobs/day"
    contextCap: 128_000, // V1-FR-SUB-004 "128K"
    modelClasses: ['L1'], // V1-FR-SUB-004 "L1 only"
    customModels: false,
    phases: [1], // V1-FR-ROUTE-005
    phase3FastTrack: false,
    escalationPreauthorization: false,
    operatingMode: 'SIMPLE',
    deepFix: 'NONE', // V1-FR-SUB-004 "No"
    executionEnvironment: 'LOCAL_ONLY', // V1-FR-SUB-008
    webGithubIntegration: false,
    enterpriseAnalysisReport: false,
    professionalModeFeatures: false,
    specEditing: 'READ_ONLY',
    fastTrack: false,
    teamCollaboration: false,
    behaviourCoverageGate: false,
    concurrentJobs: 1,
    addOnPercents: [], // V1-FR-SUB-004 "No"
    v2PremiumRunsPerMonth: { phase2: 0, phase3: 0 }, // PRD V2 §5.2 item 1: phase 1 only
  },
  PLUS: {
    tier: 'PLUS',
    monthlyCredits: 280, // V1-FR-SUB-004 "280C"
    dailyJobLimit: 8, // V1-FR-SUB-004 "8 jobs/day"
    contextCap: 128_000, // V1-FR-SUB-004 "128K" (parity with Free is intentional)
    modelClasses: ['L1', 'L2'],
    customModels: false,
    phases: [1, 2], // V1-FR-ROUTE-005
    phase3FastTrack: false,
    escalationPreauthorization: false,
    operatingMode: 'SIMPLE',
    deepFix: 'MANUAL_ONLY', // V1-FR-SUB-004 "No (manual only)"
    executionEnvironment: 'LOCAL_ONLY', // V1-FR-SUB-008
    webGithubIntegration: false,
    enterpriseAnalysisReport: false,
    professionalModeFeatures: false,
    specEditing: 'FULL_EDIT',
    fastTrack: false,
    teamCollaboration: false,
    behaviourCoverageGate: false,
    concurrentJobs: 1,
    addOnPercents: [], // V1-FR-SUB-004 "No (upgrade to Pro)"; PRD V1 §9.10
    v2PremiumRunsPerMonth: { phase2: 10, phase3: 0 }, // PRD V2 §5.2 item 2 "Phase 2 unlocked (10 runs/month)"
  },
  PRO: {
    tier: 'PRO',
    monthlyCredits: 650, // V1-FR-SUB-004 "650C"
    dailyJobLimit: 20, // V1-FR-SUB-004 "20 jobs/day"
    contextCap: 200_000, // V1-FR-SUB-004 "200K"
    modelClasses: ['L1', 'L2'],
    customModels: false,
    phases: [1, 2], // V1-FR-ROUTE-005 "Phase 3 escalation is blocked"
    phase3FastTrack: false,
    escalationPreauthorization: false,
    operatingMode: 'PROFESSIONAL',
    deepFix: 'CONTEXT_RESET_L2', // V1-FR-SUB-004 "context reset + L2 only, no L3"
    executionEnvironment: 'LOCAL_AND_CLOUD_SANDBOX',
    webGithubIntegration: true,
    enterpriseAnalysisReport: false,
    professionalModeFeatures: true,
    specEditing: 'FULL_EDIT',
    fastTrack: true, // V1-FR-SUB-004 "Full edit + Fast-Track"
    teamCollaboration: false,
    behaviourCoverageGate: false,
    concurrentJobs: 2,
    addOnPercents: [25, 50], // V1-FR-SUB-004 "+25%/+50%"
    v2PremiumRunsPerMonth: { phase2: 50, phase3: 0 }, // PRD V2 §5.2 item 3.2
  },
  MAX: {
    tier: 'MAX',
    monthlyCredits: 1500, // V1-FR-SUB-004 "1,500C"
    dailyJobLimit: 40, // V1-FR-SUB-004 "40 jobs/day"
    contextCap: 200_000, // V1-FR-SUB-004 "200K"; AGENT.md resolution 1 (not 500K)
    modelClasses: ['L1', 'L2', 'L3'],
    customModels: false,
    phases: [1, 2, 3],
    phase3FastTrack: true, // V1-FR-ROUTE-005/006
    escalationPreauthorization: false,
    operatingMode: 'PROFESSIONAL',
    deepFix: 'L3_WITH_CONFIRMATION',
    executionEnvironment: 'LOCAL_AND_CLOUD_SANDBOX',
    webGithubIntegration: true,
    enterpriseAnalysisReport: false,
    professionalModeFeatures: true,
    specEditing: 'FULL_EDIT',
    fastTrack: true, // V1-FR-SUB-004 "Full edit + Fast-Track + Deep Fix"
    teamCollaboration: false,
    behaviourCoverageGate: false,
    concurrentJobs: 5,
    addOnPercents: [25, 50],
    v2PremiumRunsPerMonth: { phase2: 200, phase3: 20 }, // PRD V2 §5.2 item 3.2
  },
  ENTERPRISE: {
    tier: 'ENTERPRISE',
    monthlyCredits: null, // "Contract-defined"
    dailyJobLimit: null,
    contextCap: 1_000_000, // V1-FR-SUB-004 "1M"; AGENT.md resolution 1
    modelClasses: ['L1', 'L2', 'L3'], // "All + custom"
    customModels: true,
    phases: [1, 2, 3],
    phase3FastTrack: false, // V1-FR-ROUTE-006 is Max-only
    escalationPreauthorization: true, // V1-FR-ROUTE-005 "may be pre-authorized at job start"
    operatingMode: 'ENTERPRISE',
    deepFix: 'L3_WITH_CONFIRMATION',
    executionEnvironment: 'DEDICATED_VPC',
    webGithubIntegration: true,
    enterpriseAnalysisReport: true, // V1-FR-PRO-002
    professionalModeFeatures: true,
    specEditing: 'FULL_EDIT',
    fastTrack: false, // not listed for Enterprise in V1-FR-SUB-004
    teamCollaboration: true, // "Full edit + team collaboration + behaviour coverage gate"
    behaviourCoverageGate: true,
    concurrentJobs: null,
    addOnPercents: null,
    v2PremiumRunsPerMonth: null, // PRD V2 §5.2 item 4.4 "Unlimited execution across all phases"
  },
} satisfies Record<Tier, TierEntitlements>);

/**
 * The entitlements of a tier.
 * @example tierEntitlements('MAX').contextCap // 200000
 */
export function tierEntitlements(tier: Tier): Readonly<TierEntitlements> {
  return TIER_MATRIX[tier];
}

/**
 * Whether a tier may use a model class (V1-FR-SUB-006, guide §2.3 item 3).
 * @example allowsModelClass('PRO', 'L3') // false
 */
export function allowsModelClass(tier: Tier, modelClass: ModelClass): boolean {
  return TIER_MATRIX[tier].modelClasses.includes(modelClass);
}

/**
 * Whether a tier may schedule on the server sandbox (V1-FR-SUB-008, guide §9.4).
 * @example allowsRemoteSandbox('PLUS') // false
 */
export function allowsRemoteSandbox(tier: Tier): boolean {
  return TIER_MATRIX[tier].executionEnvironment !== 'LOCAL_ONLY';
}

/**
 * Whether the monthly credit layer of the start gate applies (V1-FR-SUB-005: not for Free).
 * @example hasMonthlyCreditLayer('FREE') // false
 */
export function hasMonthlyCreditLayer(tier: Tier): boolean {
  return TIER_MATRIX[tier].monthlyCredits !== 'NOT_APPLICABLE';
}
