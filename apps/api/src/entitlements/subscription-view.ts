/**
 * @module `SubscriptionResponse` (API_CONTRACT §3 `GET /subscription/me`; V1-FR-SUB-001,
 * V1-FR-SUB-004) from the current `subscription_tiers` row plus the tier matrix. The contract's
 * per-phase limits are expressed in the PRD's units: Free's phase 1 is its daily job cap
 * (V1-FR-SUB-005), paid tiers share one monthly credit pool across the phases their tier may
 * use, a phase the tier may not use has limit 0, and Enterprise (contract-defined) is unlimited
 * here (its contract values live in the entitlement snapshot).
 */
import {
  allowsRemoteSandbox,
  TIER_MATRIX,
  type SubscriptionResponse,
  type Tier,
} from '@iama/contracts';
import type { SubscriptionRow } from './current-subscription';

type Limits = Pick<SubscriptionResponse, 'phase_1_limit' | 'phase_2_limit' | 'phase_3_limit'>;

export function phaseLimits(tier: Tier): Limits {
  const e = TIER_MATRIX[tier];
  const monthly = e.monthlyCredits;
  const pool = (phase: 2 | 3) =>
    !e.phases.includes(phase)
      ? { type: 'monthly' as const, limit: 0 }
      : monthly === null || monthly === 'NOT_APPLICABLE'
        ? { type: 'unlimited' as const, limit: null }
        : { type: 'monthly' as const, limit: monthly };
  const phase1 =
    monthly === 'NOT_APPLICABLE'
      ? { type: 'daily' as const, limit: e.dailyJobLimit }
      : monthly === null
        ? { type: 'unlimited' as const, limit: null }
        : { type: 'monthly' as const, limit: monthly };
  return { phase_1_limit: phase1, phase_2_limit: pool(2), phase_3_limit: pool(3) };
}

const BILLING_STATUS: Record<string, SubscriptionResponse['billing_status']> = {
  ACTIVE: 'ACTIVE',
  // The contract has no TRIAL: a trial is an active entitlement.
  TRIAL: 'ACTIVE',
  PAST_DUE: 'PAST_DUE',
  CANCELLED: 'CANCELLED',
};

export function subscriptionView(tier: Tier, row: SubscriptionRow | null): SubscriptionResponse {
  const e = TIER_MATRIX[tier];
  return {
    tier,
    // The row's cap and mode are the runtime values (operators may change caps, AGENT.md resolution 15).
    context_cap: row?.context_cap ?? e.contextCap,
    operating_mode:
      (row?.operating_mode as SubscriptionResponse['operating_mode'] | undefined) ??
      e.operatingMode,
    ...phaseLimits(tier),
    execution_environments: allowsRemoteSandbox(tier) ? ['LOCAL', 'CLOUD'] : ['LOCAL'],
    web_github_enabled: e.webGithubIntegration,
    enterprise_report_enabled: e.enterpriseAnalysisReport,
    billing_status: (row && BILLING_STATUS[row.status]) ?? 'ACTIVE',
  };
}
