/**
 * @module A quota denial as the API answers it: API_CONTRACT §4/§12 codes with the PRD's reason
 * code as `denial_reason` and `reset_at` (V1-FR-SUB-005; docs/api/ADDITIONS.md decision on the
 * two code sets). Phase denials are `ENTITLEMENT_DENIED_PHASE` (§13 invariant 12).
 */
import { ApiError } from '../errors';
import type { QuotaDenial } from './quota-math';

/**
 * @example throw quotaDenialError({ code: 'DAILY_JOB_LIMIT_REACHED', resetAt: new Date('2026-01-02T00:00:00Z') });
 */
export function quotaDenialError(denial: QuotaDenial): ApiError {
  const resetAt = denial.resetAt?.toISOString();
  switch (denial.code) {
    case 'DAILY_JOB_LIMIT_REACHED':
      return new ApiError('QUOTA_EXCEEDED_DAILY', 'Daily job limit reached', undefined, {
        denial_reason: denial.code,
        retry_after: resetAt!,
        reset_at: resetAt,
      });
    case 'INSUFFICIENT_MONTHLY_BALANCE':
      return new ApiError('QUOTA_EXCEEDED_MONTHLY', 'Monthly credits exhausted', undefined, {
        denial_reason: denial.code,
        retry_after: resetAt!,
        reset_at: resetAt,
      });
    case 'PHASE_NOT_ENTITLED':
      return new ApiError(
        'ENTITLEMENT_DENIED_PHASE',
        'Model phase not included in the current tier',
        undefined,
        { denial_reason: 'ENTITLEMENT_DENIED_PHASE' },
      );
  }
}
