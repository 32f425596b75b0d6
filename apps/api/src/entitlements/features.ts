/**
 * @module The one entitlement check every route uses (V1-FR-SUB-004: each dimension enforced
 * server-side, each denial a machine-readable reason; API_CONTRACT §13 invariant 4). The tier
 * comes from `subscription_tiers` (the caller's `Identity`), the dimensions from `TIER_MATRIX`.
 * `entitlementDenial` is pure; `requireEntitlement` throws the 403.
 */
import {
  allowsModelClass,
  TIER_MATRIX,
  type ExecutionMode,
  type ForbiddenErrorCode,
  type ModelClass,
  type RoutingPhase,
  type Tier,
} from '@iama/contracts';
import { ApiError } from '../errors';

export type Feature =
  | { kind: 'EXECUTION_MODE'; mode: ExecutionMode }
  | { kind: 'PHASE'; phase: RoutingPhase }
  | { kind: 'MODEL_CLASS'; modelClass: ModelClass }
  | { kind: 'WEB_GITHUB' }
  | { kind: 'ENTERPRISE_REPORT' }
  | { kind: 'PROFESSIONAL_MODE' }
  | { kind: 'SPEC_EDIT' }
  | { kind: 'FAST_TRACK' }
  | { kind: 'DEEP_FIX' }
  | { kind: 'ADD_ON' };

export type EntitlementDenial = { code: ForbiddenErrorCode; denialReason: string; message: string };

/**
 * `null` when the tier has the feature.
 * @example entitlementDenial('PLUS', { kind: 'EXECUTION_MODE', mode: 'REMOTE_SANDBOX' })?.denialReason // 'EXECUTION_ENVIRONMENT_NOT_ENTITLED'
 */
export function entitlementDenial(tier: Tier, feature: Feature): EntitlementDenial | null {
  const e = TIER_MATRIX[tier];
  switch (feature.kind) {
    case 'EXECUTION_MODE':
      // V1-FR-SUB-008: cloud sandbox for Pro, Max, Enterprise only, checked at job creation.
      return feature.mode === 'REMOTE_SANDBOX' && e.executionEnvironment === 'LOCAL_ONLY'
        ? {
            code: 'ENTITLEMENT_DENIED',
            denialReason: 'EXECUTION_ENVIRONMENT_NOT_ENTITLED',
            message: `Cloud sandbox execution is not available on ${tier}`,
          }
        : null;
    case 'PHASE':
      // V1-FR-ROUTE-005, §13 invariant 12.
      return e.phases.includes(feature.phase)
        ? null
        : {
            code: 'ENTITLEMENT_DENIED_PHASE',
            denialReason: 'ENTITLEMENT_DENIED_PHASE',
            message: `Phase ${feature.phase} is not available on ${tier}`,
          };
    case 'MODEL_CLASS':
      return allowsModelClass(tier, feature.modelClass)
        ? null
        : {
            code: 'ENTITLEMENT_DENIED',
            denialReason: 'ENTITLEMENT_DENIED',
            message: `${feature.modelClass} models are not available on ${tier}`,
          };
    case 'WEB_GITHUB':
      // §12: V2 cloud feature blocked for Free/Plus.
      return e.webGithubIntegration
        ? null
        : {
            code: 'ENTITLEMENT_INSUFFICIENT',
            denialReason: 'ENTITLEMENT_INSUFFICIENT',
            message: `Web and GitHub integration is not available on ${tier}`,
          };
    case 'ENTERPRISE_REPORT':
      return e.enterpriseAnalysisReport
        ? null
        : {
            code: 'ENTITLEMENT_ENTERPRISE_ONLY',
            denialReason: 'ENTERPRISE_TIER_REQUIRED',
            message: 'The Enterprise Analysis Report requires the Enterprise tier',
          };
    case 'PROFESSIONAL_MODE':
      return e.professionalModeFeatures ? null : denied(tier, 'Professional Mode');
    case 'SPEC_EDIT':
      return e.specEditing === 'FULL_EDIT' ? null : denied(tier, 'BDD/SDD editing');
    case 'FAST_TRACK':
      return e.fastTrack ? null : denied(tier, 'Expert Fast-Track');
    case 'DEEP_FIX':
      return e.deepFix === 'CONTEXT_RESET_L2' || e.deepFix === 'L3_WITH_CONFIRMATION'
        ? null
        : denied(tier, 'Deep Fix');
    case 'ADD_ON':
      return e.addOnPercents === null || e.addOnPercents.length > 0
        ? null
        : denied(tier, 'Quota add-ons');
  }
}

function denied(tier: Tier, what: string): EntitlementDenial {
  return {
    code: 'ENTITLEMENT_DENIED',
    denialReason: 'ENTITLEMENT_DENIED',
    message: `${what} is not available on ${tier}`,
  };
}

/**
 * Throws the 403 (with `denial_reason`) when the caller's tier lacks the feature.
 * @example requireEntitlement(requireUser(req), { kind: 'EXECUTION_MODE', mode: body.execution_mode });
 */
export function requireEntitlement(user: { tier: Tier }, feature: Feature): void {
  const d = entitlementDenial(user.tier, feature);
  if (d)
    throw new ApiError(
      d.code,
      d.message,
      { tier: user.tier, feature: feature.kind },
      { denial_reason: d.denialReason },
    );
}
