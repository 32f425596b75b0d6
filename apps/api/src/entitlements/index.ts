/** @module Entitlements (V1-FR-SUB-001, V1-FR-SUB-004, V1-FR-SUB-008): one check, one view, one snapshot. */
export {
  entitlementDenial,
  requireEntitlement,
  type EntitlementDenial,
  type Feature,
} from './features';
export { snapshotEntitlement, type EntitlementSnapshot } from './snapshot';
export { phaseLimits, subscriptionView } from './subscription-view';
export {
  insertInitialSubscription,
  initialSubscription,
  tierOf,
  type SubscriptionRow,
} from './current-subscription';
