/**
 * @module Actions are accepted only in the states where the transition table (PRD V1 §13,
 * API_CONTRACT §13 invariant 5) allows them. The API answers from the job row first, then the
 * workflow's update validator decides races; either refusal is the same deterministic
 * `409 JOB_STATE_CONFLICT` carrying the state the job is in now.
 */
import { isTerminal, type WorkflowState } from '@iama/contracts';
import { ApiError } from '../errors';

/** Non-terminal states a user may cancel from (guide §3.1 "any non-terminal state"). */
export function isCancellable(state: WorkflowState): boolean {
  return !isTerminal(state) && state !== 'REMOTE_WIPE_VERIFYING';
}

export function stateConflict(
  action: string,
  current: WorkflowState,
  allowed: readonly WorkflowState[] | 'non-terminal',
  reason?: string,
): ApiError {
  const why = reason ?? `${action} is not possible while the job is ${current}`;
  return new ApiError('JOB_STATE_CONFLICT', why, {
    action,
    current_state: current,
    allowed_states: allowed === 'non-terminal' ? 'any non-terminal state' : [...allowed],
  });
}

/** @example requireState('jobs.approveSpec', job.status, ['WAITING_SPEC_APPROVAL']) */
export function requireState(
  action: string,
  current: WorkflowState,
  allowed: readonly WorkflowState[],
): void {
  if (!allowed.includes(current)) throw stateConflict(action, current, allowed);
}
