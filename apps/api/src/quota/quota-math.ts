/**
 * @module Pure quota arithmetic (PRD V1 §9.10, V1-FR-SUB-003/004/005, V1-FR-PAY-006): limits
 * with add-ons, the start decision with its `reset_at`, and the display figures of the usage
 * summary. No I/O; the callers in this folder read the numbers from PostgreSQL.
 */
import {
  checkStartGate,
  CREDIT_CONSTANTS,
  crossedWatermarks,
  dailyJobLimitWithAddOn,
  hasMonthlyCreditLayer,
  monthlyCreditsWithAddOn,
  TIER_MATRIX,
  typicalRefactorsRemaining,
  type StartGateDenial,
  type Tier,
} from '@iama/contracts';
import { LEDGER_UNITS_PER_CREDIT } from '@iama/llm';

/**
 * Ledger credits are integer milli-credits (`usage_ledger.quantity` is INTEGER and a small L1 call
 * costs ~0.3 C): the unit the IAMA Router's ledger adapter writes (docs/billing/decisions.md 1).
 */
export const MILLI_PER_CREDIT = LEDGER_UNITS_PER_CREDIT;

export type AddOnPercent = 0 | 25 | 50;

export type SubscriptionStatus = 'ACTIVE' | 'PAST_DUE' | 'CANCELLED' | 'TRIAL';

/**
 * The tier the gate applies. A lapsed payment locks premium entitlements (V1-FR-PAY-002
 * "downgrade or premium lock"): PAST_DUE and CANCELLED rows are gated as FREE.
 * @example gatedTier('MAX', 'PAST_DUE') // 'FREE'
 */
export function gatedTier(tier: Tier, status: SubscriptionStatus): Tier {
  return status === 'PAST_DUE' || status === 'CANCELLED' ? 'FREE' : tier;
}

/**
 * Whether `percent` can be bought on `tier` (V1-FR-SUB-004 "Add-on available"): Pro and Max only;
 * Plus is sent to the upgrade path; Enterprise is contract-defined (not self-serve).
 * @example addOnOffer('PLUS') // { available: false, action: 'UPGRADE_TO_PRO' }
 */
export function addOnOffer(tier: Tier): { available: boolean; action: AddOnAction } {
  const offered = TIER_MATRIX[tier].addOnPercents;
  if (offered === null) return { available: false, action: 'CONTACT_SALES' };
  if (offered.length > 0) return { available: true, action: 'BUY_ADD_ON' };
  return { available: false, action: tier === 'PLUS' ? 'UPGRADE_TO_PRO' : 'UPGRADE_TO_PLUS' };
}

export type AddOnAction = 'BUY_ADD_ON' | 'UPGRADE_TO_PRO' | 'UPGRADE_TO_PLUS' | 'CONTACT_SALES';

export type Limits = {
  /** `null`: no daily cap (contract-defined Enterprise without a contract value). */
  dailyJobLimit: number | null;
  /** Milli-credits for the cycle including add-on and operator adjustments; `null`: no monthly layer or unlimited. */
  monthlyMilli: number | null;
  /** Base monthly credits without add-on or adjustments, for overage reporting. */
  baseMonthlyMilli: number | null;
};

/**
 * Effective limits of a cycle (PRD V1 §9.10: the add-on adds to the monthly total and scales the
 * daily limit, rounded up; operator adjustments change the monthly total only).
 * @example limitsFor('PRO', 25, 0).dailyJobLimit // 25
 */
export function limitsFor(tier: Tier, addOnPercent: AddOnPercent, adjustmentMilli: number): Limits {
  const addOn = (TIER_MATRIX[tier].addOnPercents ?? []).includes(addOnPercent) ? addOnPercent : 0;
  const daily = dailyJobLimitWithAddOn(tier, addOn);
  if (!hasMonthlyCreditLayer(tier))
    return { dailyJobLimit: daily, monthlyMilli: null, baseMonthlyMilli: null };
  const monthly = monthlyCreditsWithAddOn(tier, addOn);
  const base = TIER_MATRIX[tier].monthlyCredits;
  if (monthly === null || typeof base !== 'number')
    return { dailyJobLimit: daily, monthlyMilli: null, baseMonthlyMilli: null };
  return {
    dailyJobLimit: daily,
    monthlyMilli: Math.round(monthly * MILLI_PER_CREDIT) + adjustmentMilli,
    baseMonthlyMilli: base * MILLI_PER_CREDIT,
  };
}

/** Next 00:00 UTC after `now` (PRD V1 §9.10: the daily layer resets at midnight UTC). */
export function nextUtcMidnight(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

/** 00:00 UTC of `now`'s day. */
export function utcDayStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/**
 * `start` moved by whole months, clamped to the month's last day (billing anniversaries,
 * PRD V1 §9.10 "Resets on billing cycle anniversary").
 * @example addMonths(new Date('2026-01-31T00:00:00Z'), 1).toISOString() // '2026-02-28T00:00:00.000Z'
 */
export function addMonths(start: Date, months: number): Date {
  const y = start.getUTCFullYear();
  const m = start.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(
      y,
      m,
      Math.min(start.getUTCDate(), lastDay),
      start.getUTCHours(),
      start.getUTCMinutes(),
      start.getUTCSeconds(),
      start.getUTCMilliseconds(),
    ),
  );
}

export type QuotaDenial = { code: StartGateDenial | 'PHASE_NOT_ENTITLED'; resetAt: Date | null };

export type GateInput = {
  tier: Tier;
  phase: 1 | 2 | 3;
  addOnPercent: AddOnPercent;
  jobsStartedToday: number;
  /** Monthly milli-credits left after consumption and held reservations; ignored without a monthly layer. */
  remainingMilli: number | null;
  dailyJobLimit: number | null;
  now: Date;
  cycleEnd: Date;
};

/**
 * The reservation decision (PRD V1 §9.10 two-layer gate via `checkStartGate`). Phase 1 is the job
 * start (both layers); phases 2/3 are advanced-run reservations (model entitlement + credits).
 * A denial carries when it can next succeed: midnight UTC for the daily layer, the cycle end for
 * credits (V1-FR-SUB-005 `reset_at`).
 */
export function decide(input: GateInput): { ok: true } | { ok: false; denial: QuotaDenial } {
  const { tier, phase, now } = input;
  if (!TIER_MATRIX[tier].phases.includes(phase))
    return { ok: false, denial: { code: 'PHASE_NOT_ENTITLED', resetAt: null } };
  const remainingCredits =
    input.remainingMilli === null
      ? Number.POSITIVE_INFINITY
      : input.remainingMilli / MILLI_PER_CREDIT;
  // Only the job start counts against the daily layer; advanced-run reservations are inside a started job.
  const jobsToday = phase === 1 ? input.jobsStartedToday : 0;
  const gate = checkStartGate(
    tier,
    { jobsStartedToday: jobsToday, remainingCredits, addOnPercent: input.addOnPercent },
    { dailyJobLimit: input.dailyJobLimit },
  );
  if (gate.ok) return { ok: true };
  return {
    ok: false,
    denial: {
      code: gate.code,
      resetAt: gate.code === 'DAILY_JOB_LIMIT_REACHED' ? nextUtcMidnight(now) : input.cycleEnd,
    },
  };
}

/** Credits a reservation holds until commit or release: the start threshold (decision 2). */
export function heldCreditsFor(tier: Tier): number {
  return hasMonthlyCreditLayer(tier) && TIER_MATRIX[tier].monthlyCredits !== null
    ? CREDIT_CONSTANTS.MIN_START_CREDITS
    : 0;
}

export type UsageDisplay = {
  used_percent: number;
  remaining_percent: number;
  typical_refactors_remaining: number;
  remaining_credits: number;
  watermarks_crossed: number[];
};

/**
 * The display figures of V1-FR-SUB-003: percentages first, the "~N typical refactors" proxy from
 * the rolling average (25 C default), and the absolute remaining credits only for the
 * user-initiated expand view.
 * @example usageDisplay(650_000, 195_000, null).typical_refactors_remaining // 18
 */
export function usageDisplay(
  limitMilli: number,
  usedMilli: number,
  rollingAverageCredits: number | null,
): UsageDisplay {
  const remainingMilli = Math.max(0, limitMilli - usedMilli);
  const share = limitMilli > 0 ? Math.min(1, usedMilli / limitMilli) : 1;
  const usedPercent = Math.round(share * 100);
  return {
    used_percent: usedPercent,
    remaining_percent: 100 - usedPercent,
    typical_refactors_remaining: typicalRefactorsRemaining(
      remainingMilli / MILLI_PER_CREDIT,
      rollingAverageCredits,
    ),
    remaining_credits: Math.floor(remainingMilli / MILLI_PER_CREDIT),
    watermarks_crossed: watermarksReached(share),
  };
}

/**
 * Watermarks (80 %, 100 %) reached at this usage share (V1-FR-PAY-006), as whole percents.
 * @example watermarksReached(0.85) // [80]
 */
export function watermarksReached(share: number): number[] {
  return crossedWatermarks(-1, share).map((w) => Math.round(w * 100));
}
