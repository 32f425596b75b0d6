/**
 * @module Driving a job's `refactorJobWorkflow` (id `refactor-job-<job_id>`): the route checks the
 * state from the job row, then sends the update; the workflow's validator settles races. Any
 * refusal — validator rejection, or no running workflow for the job — becomes the same
 * `409 JOB_STATE_CONFLICT` with the state the job is in now (API_CONTRACT §13 invariant 5).
 */
import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import type { Kysely } from 'kysely';
import { isWorkflowState, type WorkflowState } from '@iama/contracts';
import type { Database } from '@iama/db';
import { refactorJobWorkflowId, type Actor } from '@iama/worker';
import type { JobRow } from './access';
import { requireState, stateConflict } from './state-guard';
import type { FastifyRequest } from 'fastify';

export type WorkflowCallContext = { db: Kysely<Database>; temporal: Client };

export function jobHandle(temporal: Client, jobId: string): WorkflowHandle {
  return temporal.workflow.getHandle(refactorJobWorkflowId(jobId));
}

/** `IDE` | `WEB` from `X-IAMA-Surface` (docs/api/ADDITIONS.md), otherwise `API`. */
export function surfaceOf(req: FastifyRequest): 'IDE' | 'WEB' | 'API' {
  const v = String(req.headers['x-iama-surface'] ?? '').toUpperCase();
  return v === 'IDE' || v === 'WEB' ? v : 'API';
}

export function actorOf(req: FastifyRequest, userId: string): Actor {
  return { actorId: userId, surface: surfaceOf(req) };
}

async function currentState(db: Kysely<Database>, jobId: string): Promise<WorkflowState> {
  const row = await db
    .selectFrom('refactor_jobs')
    .select('status')
    .where('id', '=', jobId)
    .executeTakeFirstOrThrow();
  if (!isWorkflowState(row.status)) throw new Error(`refactor_jobs ${jobId}: unknown status`);
  return row.status;
}

/** The validator's (or handler's) own explanation, when it gave one. */
function refusalMessage(err: WorkflowUpdateFailedError): string | undefined {
  const cause = err.cause as { message?: string } | undefined;
  return cause?.message || undefined;
}

/**
 * Checks `job.status` against `allowed`, runs `send` against the job's workflow and maps
 * refusals to 409. Anything else (Temporal unreachable) propagates as a 500.
 * @example await callJobWorkflow(ctx, job, 'jobs.approveSpec', ['WAITING_SPEC_APPROVAL'], (h) => h.executeUpdate(approveSpecUpdate, { args: [a] }))
 */
export async function callJobWorkflow<R>(
  ctx: WorkflowCallContext,
  job: JobRow,
  action: string,
  allowed: readonly WorkflowState[],
  send: (handle: WorkflowHandle) => Promise<R>,
): Promise<R> {
  requireState(action, job.status, allowed);
  try {
    return await send(jobHandle(ctx.temporal, job.id));
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError)
      throw stateConflict(action, await currentState(ctx.db, job.id), allowed, refusalMessage(err));
    if (err instanceof WorkflowNotFoundError || isNotFound(err))
      throw stateConflict(
        action,
        await currentState(ctx.db, job.id),
        allowed,
        `${action}: the job's workflow is not running`,
      );
    throw err;
  }
}

/** Updates/queries on a closed workflow fail with gRPC NOT_FOUND rather than WorkflowNotFoundError. */
function isNotFound(err: unknown): boolean {
  const e = err as { code?: number; cause?: { code?: number } } | undefined;
  return e?.code === 5 || e?.cause?.code === 5;
}
