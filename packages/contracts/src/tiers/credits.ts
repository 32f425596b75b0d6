/**
 * @module Credit-system constants and arithmetic (PRD V1 §9.10, V1-FR-SUB-003, V1-FR-PAY-006,
 * guide §2.2-2.3). Per-token prices are not in the spec: credits follow the provider's actual
 * cost, so prices are passed in (from LiteLLM cost data), never hard-coded here.
 */
import { TIER_MATRIX } from './tier-matrix';
import type { Tier } from './tier';

export const CREDIT_CONSTANTS = Object.freeze({
  /** 1 C = $0.01 of actual API cost (PRD V1 §9.10). */
  USD_PER_CREDIT: 0.01,
  /** Cache reads cost ~10% of the standard input rate (PRD V1 §9.10, V1-FR-CTX). */
  CACHE_READ_RATE: 0.1,
  /** Minimum remaining monthly credits to start a job (PRD V1 §9.10 condition 2). */
  MIN_START_CREDITS: 10,
  /** Assumed cost of a typical refactor when there is no history (V1-FR-SUB-003). */
  DEFAULT_TYPICAL_JOB_CREDITS: 25,
  /** Window of the rolling average cost per completed job (V1-FR-SUB-003). */
  ROLLING_AVERAGE_DAYS: 7,
  /** Pre-flight soft warning above this share (V1-FR-SUB-003). */
  PREFLIGHT_SOFT_WARNING_RATIO: 0.5,
  /** Watermark alerts (V1-FR-PAY-006). */
  USAGE_WATERMARKS: [0.8, 1.0] as readonly number[],
  /** L3 Deep Fix confirmation copy range, % of remaining balance (V1-FR-SUB-003, V1-FR-TEST-003A). */
  L3_ESTIMATE_PERCENT_RANGE: [15, 40] as readonly number[],
  /** Add-on sizes on offer (V1-FR-SUB-003/004). */
  ADD_ON_PERCENTS: [25, 50] as readonly number[],
  /** Daily quota resets at 00:00 UTC; unused slots do not roll over (PRD V1 §9.10). */
  DAILY_RESET_UTC_HOUR: 0,
  /** Max concurrent L1 calls per user session (V1-FR-ROUTE-002). */
  MAX_CONCURRENT_L1_CALLS_PER_SESSION: 3,
});

/** Default output caps per call (PRD V1 §11 table; operator-overridable, DB_SCHEMA §8.1). */
export const DEFAULT_OUTPUT_CAPS = Object.freeze({ L1: 30_000, L2: 5_000, L3: 5_000 });

export type TokenUsage = { inputTokens: number; outputTokens: number; cacheReadTokens?: number };
/** USD per token; `cacheRead` defaults to `input × CACHE_READ_RATE` when the provider gives none. */
export type TokenPrices = { input: number; output: number; cacheRead?: number };

/**
 * Credits consumed by one call (PRD V1 §9.10 formula), unrounded so the ledger can round once.
 * @example creditsForUsage({ inputTokens: 1000, outputTokens: 500 }, { input: 1e-6, output: 4e-6 }) // 0.3
 */
export function creditsForUsage(usage: TokenUsage, prices: TokenPrices): number {
  const cacheRead = prices.cacheRead ?? prices.input * CREDIT_CONSTANTS.CACHE_READ_RATE;
  const usd = usage.inputTokens * prices.input + usage.outputTokens * prices.output + (usage.cacheReadTokens ?? 0) * cacheRead;
  return usd / CREDIT_CONSTANTS.USD_PER_CREDIT;
}

/**
 * Monthly credits including an add-on (PRD V1 §9.10: add-ons add to the monthly total only).
 * @example monthlyCreditsWithAddOn('PRO', 25) // 812.5
 */
export function monthlyCreditsWithAddOn(tier: Tier, addOnPercent: 0 | 25 | 50): number | null {
  const base = TIER_MATRIX[tier].monthlyCredits;
  if (typeof base !== 'number') return null;
  assertAddOnEligible(tier, addOnPercent);
  return (base * (100 + addOnPercent)) / 100;
}

/**
 * Daily job limit scaled by an add-on, rounded up (PRD V1 §9.10).
 * @example dailyJobLimitWithAddOn('PRO', 25) // 25
 */
export function dailyJobLimitWithAddOn(tier: Tier, addOnPercent: 0 | 25 | 50): number | null {
  const base = TIER_MATRIX[tier].dailyJobLimit;
  if (base === null) return null;
  assertAddOnEligible(tier, addOnPercent);
  // Integer arithmetic: 20 * 1.25 must be exactly 25, not 25.000000000000004 rounded up to 26.
  return Math.ceil((base * (100 + addOnPercent)) / 100);
}

function assertAddOnEligible(tier: Tier, addOnPercent: number): void {
  const offered = TIER_MATRIX[tier].addOnPercents;
  if (addOnPercent !== 0 && !(offered ?? []).includes(addOnPercent)) throw new RangeError(`${tier} cannot buy a +${addOnPercent}% add-on`);
}

/**
 * Watermarks crossed by moving from `before` to `after` used share (V1-FR-PAY-006: alert once
 * at each threshold crossing).
 * @example crossedWatermarks(0.75, 0.85) // [0.8]
 */
export function crossedWatermarks(before: number, after: number): number[] {
  return CREDIT_CONSTANTS.USAGE_WATERMARKS.filter((w) => before < w && after >= w);
}

/**
 * "~N typical refactors remaining" (V1-FR-SUB-003), from the rolling average or the 25 C default.
 * @example typicalRefactorsRemaining(450) // 18
 */
export function typicalRefactorsRemaining(remainingCredits: number, rollingAverageCredits?: number | null): number {
  const perJob = rollingAverageCredits && rollingAverageCredits > 0 ? rollingAverageCredits : CREDIT_CONSTANTS.DEFAULT_TYPICAL_JOB_CREDITS;
  return Math.max(0, Math.floor(remainingCredits / perJob));
}

export type StartGateDenial = 'DAILY_JOB_LIMIT_REACHED' | 'INSUFFICIENT_MONTHLY_BALANCE';

/**
 * The two-layer job start gate (PRD V1 §9.10, V1-FR-SUB-005, guide §2.3 item 1): refused if
 * EITHER layer fails (§9.10 "If either condition fails"); Free has no credit layer.
 * Contract-defined Enterprise limits come from the entitlement snapshot via `contract`.
 * @example checkStartGate('PLUS', { jobsStartedToday: 8, remainingCredits: 100 }) // { ok: false, code: 'DAILY_JOB_LIMIT_REACHED' }
 */
export function checkStartGate(
  tier: Tier,
  usage: { jobsStartedToday: number; remainingCredits: number; addOnPercent?: 0 | 25 | 50 },
  contract: { dailyJobLimit?: number | null } = {},
): { ok: true } | { ok: false; code: StartGateDenial } {
  const limit = TIER_MATRIX[tier].dailyJobLimit === null ? (contract.dailyJobLimit ?? null) : dailyJobLimitWithAddOn(tier, usage.addOnPercent ?? 0);
  if (limit !== null && usage.jobsStartedToday >= limit) return { ok: false, code: 'DAILY_JOB_LIMIT_REACHED' };
  if (TIER_MATRIX[tier].monthlyCredits !== 'NOT_APPLICABLE' && usage.remainingCredits < CREDIT_CONSTANTS.MIN_START_CREDITS) {
    return { ok: false, code: 'INSUFFICIENT_MONTHLY_BALANCE' };
  }
  return { ok: true };
}
