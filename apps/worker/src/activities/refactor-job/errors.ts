/** @module Stable non-retryable failure types of the refactor-job activities (asserted by the workflow and tests). */
import { ApplicationFailure } from '@temporalio/activity';

export const ACTIVITY_FAILURES = {
  /** The row's status is not what the workflow believed (a second writer): never retried. */
  STATUS_DIVERGED: 'STATUS_DIVERGED',
  /** The contracts transition table refused the edge. */
  ILLEGAL_TRANSITION: 'ILLEGAL_TRANSITION',
  /** No IAMA Router was wired into this worker. */
  MODEL_ROUTER_NOT_CONFIGURED: 'MODEL_ROUTER_NOT_CONFIGURED',
  /** The router refused or failed the call for a reason retrying cannot fix. */
  MODEL_CALL_FAILED: 'MODEL_CALL_FAILED',
  JOB_NOT_FOUND: 'JOB_NOT_FOUND',
} as const;
export type ActivityFailureType = keyof typeof ACTIVITY_FAILURES;

export const nonRetryable = (
  type: ActivityFailureType,
  message: string,
  details?: Record<string, unknown>,
) =>
  ApplicationFailure.create({
    type,
    message,
    nonRetryable: true,
    details: details ? [details] : [],
  });
