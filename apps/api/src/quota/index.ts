/**
 * @module Credits and quota (issue #5; PRD V1 §9.10, V1-FR-SUB-002..006, V1-FR-BIL-004/006,
 * V1-FR-PAY-006): the two-layer gate, reservations, add-ons, usage summary and watermarks.
 * Every function takes a Kysely handle, so the worker's activities call the same code.
 */
export { quotaDenialError } from './denial-error';
export {
  ADD_ON_EVENT,
  ADJUSTMENT_EVENT,
  CALL_EVENT_TYPES,
  cycleUsage,
  recordAddOn,
  recordCreditAdjustment,
  rollingAverageJobCredits,
  type Cycle,
  type CycleUsage,
} from './ledger';
export {
  addMonths,
  addOnOffer,
  gatedTier,
  limitsFor,
  MILLI_PER_CREDIT,
  nextUtcMidnight,
  type AddOnAction,
  type AddOnPercent,
  type QuotaDenial,
  type SubscriptionStatus,
} from './quota-math';
export { lockUserQuota } from './quota-lock';
export { quotaState, type QuotaState } from './quota-state';
export {
  commitReservation,
  releaseReservation,
  reserveQuota,
  ReservationKeyConflictError,
  ReservationStateError,
  type ReleaseReason,
  type Reservation,
  type ReserveInput,
  type ReserveResult,
} from './reservations';
export { refreshDueCycles, type CycleRefresh } from './cycle-refresh';
export {
  currentSubscription,
  writeSubscriptionTier,
  type CurrentSubscription,
  type TierWrite,
} from './subscription';
export { usageSummary } from './usage-summary';
export {
  recordedWatermarks,
  recordWatermarks,
  recordWatermarksLocked,
  WATERMARK_EVENT,
} from './watermarks';
