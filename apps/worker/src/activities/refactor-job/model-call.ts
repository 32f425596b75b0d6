/**
 * @module One model call from an activity through the IAMA Router (ARCHITECTURE D2): Temporal
 * heartbeats from the router's progress events (AGENT.md resolution 16), and the activity's
 * cancellation aborting the upstream stream (SERVICE_ARCHITECTURE §3.4: heartbeat loss, spec change).
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import {
  isRouterError,
  type CallRequest,
  type CallResult,
  type EntitlementSnapshot,
  type Stage,
} from '@iama/llm';
import type { LlmSchemaFamily, ModelClass } from '@iama/contracts';
import type { RefactorJobDeps } from './deps';
import { nonRetryable } from './errors';
import type { JobEntitlement } from './quota';

export type ModelCallArgs = {
  jobId: string;
  ownerId: string;
  sessionId: string;
  entitlement: JobEntitlement;
  stage: Stage;
  attemptNumber: number;
  iteration?: number;
  modelClass?: ModelClass;
  /** The user confirmed this escalation (decision, Deep Fix selection): the activity issues the token. */
  userConfirmed?: boolean;
};

export function routerSnapshot(
  jobId: string,
  ownerId: string,
  e: JobEntitlement,
): EntitlementSnapshot {
  return {
    jobId,
    userId: ownerId,
    tier: e.tier,
    operatingMode: e.operatingMode,
    phases: e.phases,
    contextCap: e.contextCap,
    ...(e.preauthorization ? { preauthorization: e.preauthorization } : {}),
  };
}

/**
 * Calls the router; router failures become `ApplicationFailure`s with the router code as type
 * (non-retryable unless the router says otherwise), so the workflow can branch on them.
 */
export async function callModel<F extends LlmSchemaFamily>(
  deps: RefactorJobDeps,
  args: ModelCallArgs,
  family: F,
  prompt: CallRequest<F>['prompt'],
): Promise<CallResult<F>> {
  if (!deps.router)
    throw nonRetryable('MODEL_ROUTER_NOT_CONFIGURED', 'this worker has no IAMA Router');
  const ctx = Context.current();
  ctx.heartbeat({ stage: args.stage });
  const directive = deps.promptDirectives?.({
    jobId: args.jobId,
    family,
    stage: args.stage,
    attemptNumber: args.attemptNumber,
  });
  const task = directive ? `${prompt.task}\n${directive}` : prompt.task;
  let confirmationToken: string | undefined;
  if (args.userConfirmed && args.modelClass && args.modelClass !== 'L1' && deps.issueConfirmation) {
    confirmationToken = deps.issueConfirmation({
      jobId: args.jobId,
      attemptNumber: args.attemptNumber,
      modelClass: args.modelClass,
      basis: 'USER_CONFIRMED',
      expiresAt: Date.now() + 3_600_000,
    });
  }
  try {
    return await deps.router.call({
      snapshot: routerSnapshot(args.jobId, args.ownerId, args.entitlement),
      stage: args.stage,
      attemptNumber: args.attemptNumber,
      sessionId: args.sessionId,
      family,
      prompt: { ...prompt, task },
      ...(args.iteration !== undefined ? { iteration: args.iteration } : {}),
      ...(args.modelClass ? { modelClass: args.modelClass } : {}),
      ...(confirmationToken ? { confirmationToken } : {}),
      signal: ctx.cancellationSignal,
      onProgress: (event) =>
        ctx.heartbeat({ stage: event.stage, type: event.type, outputTokens: event.outputTokens }),
    });
  } catch (err) {
    if (isRouterError(err)) {
      throw ApplicationFailure.create({
        type: err.code,
        message: err.message,
        nonRetryable: !err.retryable,
        details: [{ code: err.code, failureClass: err.failureClass, ...err.detail }],
      });
    }
    throw err;
  }
}
