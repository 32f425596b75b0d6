/**
 * @module The shape every state-guarded job action shares (PRD V1 §13, API_CONTRACT §13
 * invariants 2 and 5): authenticate, validate with the `ENDPOINTS` entry's schemas, load the job
 * as its owner, then let the workflow update decide — all refusals are 409 with the current state.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { endpointById, jobIdParamsSchema, type WorkflowState } from '@iama/contracts';
import type { Actor } from '@iama/worker';
import type { Identity } from '../../auth/identity';
import { requireUser } from '../../plugins/auth';
import { parsePart } from '../../jobs/request';
import { loadOwnedJob, type JobRow } from '../../jobs/access';
import { actorOf, callJobWorkflow } from '../../jobs/workflow-call';
import type { JobRouteContext } from './context';

export type ActionInput<B> = {
  req: FastifyRequest;
  identity: Identity;
  job: JobRow;
  body: B;
  actor: Actor;
  handle: WorkflowHandle;
};

export type JobActionSpec<S extends z.ZodType | undefined, R> = {
  endpointId: string;
  /** States the action is legal in (the workflow's validator has the last word). */
  allowed: readonly WorkflowState[];
  body?: S;
  /** Extra checks before the workflow is called (entitlements, related rows). */
  precheck?: (
    input: Omit<ActionInput<S extends z.ZodType ? z.infer<S> : undefined>, 'handle'>,
  ) => Promise<void> | void;
  send: (input: ActionInput<S extends z.ZodType ? z.infer<S> : undefined>) => Promise<R>;
};

export function jobAction<S extends z.ZodType | undefined, R>(
  app: FastifyInstance,
  ctx: JobRouteContext,
  spec: JobActionSpec<S, R>,
): void {
  const endpoint = endpointById(spec.endpointId);
  const method = endpoint.method.toLowerCase() as 'post';
  app[method](endpoint.path, async (req) => {
    const identity = requireUser(req);
    const { job_id } = parsePart(spec.endpointId, 'params', jobIdParamsSchema, req.params);
    const body = (
      spec.body ? parsePart(spec.endpointId, 'body', spec.body, req.body) : undefined
    ) as S extends z.ZodType ? z.infer<S> : undefined;
    const job = await loadOwnedJob(ctx.db, job_id, identity.userId);
    const actor = actorOf(req, identity.userId);
    await spec.precheck?.({ req, identity, job, body, actor });
    return callJobWorkflow(ctx, job, spec.endpointId, spec.allowed, (handle) =>
      spec.send({ req, identity, job, body, actor, handle }),
    );
  });
}
