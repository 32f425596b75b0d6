/**
 * @module `PATCH /api/v1/jobs/:job_id/spec` (API_CONTRACT §4, §13 invariant 11; V1-FR-SPEC-002,
 * V1-FR-SUB-004, V2-FR-WF-002, AGENT.md resolution 18). Optimistic lock on `revision_token`:
 * a stale token is `SPEC_REVISION_CONFLICT` with the current token and both sides, nothing
 * written. A successful edit is one transaction: new revision + items + `spec_updated` event
 * (every surface re-fetches, V2-FR-WF-004). The workflow is then told (`specUpdatedDuringExecution`):
 * it approves only the newest revision, and during execution it cancels in-flight generation.
 */
import type { FastifyInstance } from 'fastify';
import {
  jobIdParamsSchema,
  tierEntitlements,
  updateSpecRequestSchema,
  type UpdateSpecResponse,
  type WorkflowState,
} from '@iama/contracts';
import { specUpdatedDuringExecutionSignal } from '@iama/worker';
import { requireUser } from '../../plugins/auth';
import { ApiError } from '../../errors';
import { parsePart } from '../../jobs/request';
import { loadOwnedJob } from '../../jobs/access';
import { appendJobEvent } from '../../jobs/event-store';
import { currentSpec, insertRevision, lockJobSpec } from '../../jobs/spec-store';
import { requireState, stateConflict } from '../../jobs/state-guard';
import { jobHandle, surfaceOf } from '../../jobs/workflow-call';
import type { JobRouteContext } from './context';

/** Where a spec edit is meaningful: before approval, or mid-execution (resolution 18). */
export const SPEC_EDITABLE_STATES: readonly WorkflowState[] = [
  'WAITING_SPEC_APPROVAL',
  'REFACTORING',
  'SELF_HEALING',
];

export function updateSpecRoute(app: FastifyInstance, ctx: JobRouteContext): void {
  app.patch('/api/v1/jobs/:job_id/spec', async (req): Promise<UpdateSpecResponse> => {
    const identity = requireUser(req);
    const { job_id } = parsePart('jobs.updateSpec', 'params', jobIdParamsSchema, req.params);
    const body = parsePart('jobs.updateSpec', 'body', updateSpecRequestSchema, req.body);
    const job = await loadOwnedJob(ctx.db, job_id, identity.userId);
    if (tierEntitlements(identity.tier).specEditing !== 'FULL_EDIT')
      throw new ApiError('ENTITLEMENT_DENIED', 'Specs are read-only on this plan', undefined, {
        denial_reason: 'SPEC_EDITING_NOT_ENTITLED',
      });
    requireState('jobs.updateSpec', job.status, SPEC_EDITABLE_STATES);
    const surface = surfaceOf(req) === 'WEB' ? 'WEB' : 'IDE';

    const written = await ctx.db.transaction().execute(async (trx) => {
      await lockJobSpec(trx, job_id);
      // Re-read under the lock: the state and the revision may have moved since the checks above.
      const now = await trx
        .selectFrom('refactor_jobs')
        .select('status')
        .where('id', '=', job_id)
        .executeTakeFirstOrThrow();
      if (!SPEC_EDITABLE_STATES.includes(now.status as WorkflowState))
        throw stateConflict('jobs.updateSpec', now.status as WorkflowState, SPEC_EDITABLE_STATES);
      const current = await currentSpec(trx, job_id);
      if (!current)
        throw stateConflict(
          'jobs.updateSpec',
          job.status,
          SPEC_EDITABLE_STATES,
          'No spec has been extracted for this job yet',
        );
      if (current.revision_token !== body.revision_token)
        throw new ApiError(
          'SPEC_REVISION_CONFLICT',
          'The spec changed since this revision was read; re-fetch and re-apply the edit',
          undefined,
          {
            current_revision_token: current.revision_token,
            diff_payload: {
              current: {
                revision_id: current.revision_id,
                bdd_items: current.bdd_items,
                sdd_items: current.sdd_items,
                updated_at: current.updated_at,
              },
              submitted: { bdd_items: body.bdd_items ?? null, sdd_items: body.sdd_items ?? null },
            },
          },
        );
      const rev = await insertRevision(trx, {
        jobId: job_id,
        actorId: identity.userId,
        surface,
        bdd: body.bdd_items ?? current.bdd_items,
        sdd: body.sdd_items ?? current.sdd_items,
      });
      await appendJobEvent(trx, job_id, {
        event: 'spec_updated',
        job_id,
        revision_id: rev.revisionId,
        revision_token: rev.revisionToken,
        updated_by_surface: surface,
        timestamp: new Date().toISOString(),
      });
      return { ...rev, status: now.status as WorkflowState };
    });

    // Always told: the workflow approves only the newest revision, and mid-execution it also
    // cancels in-flight generation (resolution 18).
    await jobHandle(ctx.temporal, job_id)
      .signal(specUpdatedDuringExecutionSignal, {
        specRevisionId: written.revisionId,
        actorId: identity.userId,
      })
      .catch((err: unknown) => {
        // The revision is committed either way; a job without a running workflow has nobody to tell.
        if ((err as { name?: string }).name !== 'WorkflowNotFoundError') throw err;
      });
    return { revision_id: written.revisionId, revision_token: written.revisionToken };
  });
}
