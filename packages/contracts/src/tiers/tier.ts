/** @module Subscription tiers (V1-FR-SUB-004; DB `subscription_tiers.tier`). */

export const TIERS = ['FREE', 'PLUS', 'PRO', 'MAX', 'ENTERPRISE'] as const;
export type Tier = (typeof TIERS)[number];

/**
 * Type guard for untrusted strings (JWT `tier` claim, DB rows).
 * @example isTier('TEAM') // false
 */
export function isTier(value: unknown): value is Tier {
  return typeof value === 'string' && (TIERS as readonly string[]).includes(value);
}
