/**
 * @module `POST /api/v1/jobs` (API_CONTRACT §4; V1-FR-JOB-001, V1-FR-SUB-005, V1-FR-SUB-008,
 * V1-FR-BIL-004, V1-FR-OPS-002). Order matters so a refusal writes nothing: kill switch and
 * execution entitlement, then the quota reservation (`start:{job_id}`, the key the workflow's
 * start replays, so `/start` never reserves twice), then the `PENDING` row (its `state_change`
 * event is written by the table trigger), then `refactorJobWorkflow` is started. If the start
 * fails, the row is removed and the reservation released.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { WorkflowHandle } from '@temporalio/client';
import type { Kysely } from 'kysely';
import {
  allowsRemoteSandbox,
  createJobRequestSchema,
  type CreateJobResponse,
} from '@iama/contracts';
import type { Database } from '@iama/db';
import {
  REFACTOR_JOB_WORKFLOW_TYPE,
  refactorJobWorkflowId,
  type RefactorJobInput,
} from '@iama/worker';
import { requireUser } from '../../plugins/auth';
import { ApiError } from '../../errors';
import { activeKillSwitch } from '../../admin/kill-switch';
import { quotaDenialError, releaseReservation, reserveQuota } from '../../quota';
import { parsePart } from '../../jobs/request';
import type { JobRouteContext } from './context';

/** The reservation key of a job's start (quota helper convention, invariant 6). */
export const startReservationKey = (jobId: string) => `start:${jobId}`;

const DEFAULT_PROJECT_NAME = 'Default';

/** The caller's project, or their default project (created on first use). */
async function resolveProject(
  trx: Kysely<Database>,
  userId: string,
  projectId: string | undefined,
): Promise<string> {
  if (projectId) {
    const p = await trx
      .selectFrom('projects')
      .select(['id', 'owner_id'])
      .where('id', '=', projectId)
      .executeTakeFirst();
    if (!p || p.owner_id !== userId)
      throw new ApiError('NOT_FOUND', 'No project with this id', { field: 'project_id' });
    return p.id;
  }
  const existing = await trx
    .selectFrom('projects')
    .select('id')
    .where('owner_id', '=', userId)
    .where('name', '=', DEFAULT_PROJECT_NAME)
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
  if (existing) return existing.id;
  const created = await trx
    .insertInto('projects')
    .values({ owner_id: userId, name: DEFAULT_PROJECT_NAME })
    .returning('id')
    .executeTakeFirstOrThrow();
  return created.id;
}

export function createJobRoute(app: FastifyInstance, ctx: JobRouteContext): void {
  app.post('/api/v1/jobs', async (req, reply) => {
    const identity = requireUser(req);
    const body = parsePart('jobs.create', 'body', createJobRequestSchema, req.body);
    if (await activeKillSwitch(ctx.db, identity.userId))
      throw new ApiError('FORBIDDEN', 'New jobs are paused by an operator', undefined, {
        denial_reason: 'KILL_SWITCH_ACTIVE',
      });
    if (body.execution_mode === 'REMOTE_SANDBOX' && !allowsRemoteSandbox(identity.tier))
      throw new ApiError(
        'ENTITLEMENT_DENIED',
        'The remote sandbox is not included in this plan',
        undefined,
        {
          denial_reason: 'EXECUTION_ENVIRONMENT_NOT_ENTITLED',
        },
      );

    const jobId = randomUUID();
    const key = startReservationKey(jobId);
    const reserved = await reserveQuota(ctx.db, {
      userId: identity.userId,
      jobId,
      idempotencyKey: key,
      lockOwner: 'api',
    });
    if (!reserved.ok) throw quotaDenialError(reserved.denial);

    let row: { created_at: Date } | undefined;
    let started: WorkflowHandle | undefined;
    try {
      row = await ctx.db.transaction().execute(async (trx) => {
        const projectId = await resolveProject(trx, identity.userId, body.project_id);
        return trx
          .insertInto('refactor_jobs')
          .values({
            id: jobId,
            project_id: projectId,
            owner_id: identity.userId,
            status: 'PENDING',
            execution_mode: body.execution_mode,
            target_paths: body.target_paths,
            refactor_context: body.refactor_context ?? null,
          })
          .returning('created_at')
          .executeTakeFirstOrThrow();
      });
      const input: RefactorJobInput = {
        jobId,
        ownerId: identity.userId,
        executionMode: body.execution_mode,
        sessionId: body.session_id ?? `job-${jobId}`,
        targetFiles: body.target_files ?? [],
        refactorContext: body.refactor_context ?? null,
        fastTrack: body.fast_track ?? false,
        escalationPreauthorization: body.escalation_preauthorization
          ? {
              phaseCeiling: body.escalation_preauthorization.phase_ceiling,
              creditBudget: body.escalation_preauthorization.credit_budget,
              onBudgetExhausted: body.escalation_preauthorization.on_budget_exhausted,
            }
          : null,
        ...(ctx.workflowPolicy ? { policy: ctx.workflowPolicy } : {}),
      };
      const handle = (started = await ctx.temporal.workflow.start(REFACTOR_JOB_WORKFLOW_TYPE, {
        workflowId: refactorJobWorkflowId(jobId),
        taskQueue: ctx.taskQueue,
        args: [input],
      }));
      // IDE-attached jobs heartbeat from the creating session (V1-FR-JOB-007); remote jobs do not.
      if (body.execution_mode !== 'REMOTE_SANDBOX')
        await ctx.db
          .insertInto('client_heartbeat_sessions')
          .values({
            job_id: jobId,
            session_id: input.sessionId,
            workflow_run_id: handle.firstExecutionRunId,
            status: 'ACTIVE',
          })
          .onConflict((oc) => oc.columns(['job_id', 'session_id']).doNothing())
          .execute();
    } catch (err) {
      // Nothing of a job that never started may remain (no orphaned reservation, row or run).
      await started?.terminate('job creation failed').catch(() => undefined);
      await ctx.db.deleteFrom('client_heartbeat_sessions').where('job_id', '=', jobId).execute();
      await ctx.db.deleteFrom('job_events').where('job_id', '=', jobId).execute();
      await ctx.db.deleteFrom('refactor_jobs').where('id', '=', jobId).execute();
      await releaseReservation(ctx.db, key, 'JOB_FAILED_NON_BILLABLE');
      throw err;
    }

    const res: CreateJobResponse = {
      job_id: jobId,
      status: 'PENDING',
      created_at: row.created_at.toISOString(),
      quota_reservation_id: reserved.reservation.id,
    };
    return reply.code(201).send(res);
  });
}
