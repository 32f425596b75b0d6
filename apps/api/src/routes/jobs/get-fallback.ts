/**
 * @module `GET /api/v1/jobs/:job_id/fallback` (API_CONTRACT §4; V1-FR-DEL-002, V1-FR-DEL-003,
 * V1-FR-TEST-004): the evidence of a job that could not deliver — failing tests and excerpts from
 * the workflow's last verdict, counters and fingerprint from the job row, the last patch summary
 * from `patch_attempts` — and the recovery actions legal now for this job and plan. Deep Fix always
 * requires the confirmation dialog.
 */
import type { FastifyInstance } from 'fastify';
import {
  jobIdParamsSchema,
  tierEntitlements,
  type FallbackAction,
  type FallbackResponse,
  type WorkflowState,
} from '@iama/contracts';
import { jobStateQuery, type FailedTestView } from '@iama/worker';
import { requireUser } from '../../plugins/auth';
import { parsePart } from '../../jobs/request';
import { loadOwnedJob } from '../../jobs/access';
import { requireState } from '../../jobs/state-guard';
import { jobHandle } from '../../jobs/workflow-call';
import type { JobRouteContext } from './context';

export const FALLBACK_STATES: readonly WorkflowState[] = [
  'FALLBACK_REQUIRED',
  'FAILED',
  'WAITING_INTERVENTION',
];

export function getFallbackRoute(app: FastifyInstance, ctx: JobRouteContext): void {
  app.get('/api/v1/jobs/:job_id/fallback', async (req): Promise<FallbackResponse> => {
    const identity = requireUser(req);
    const { job_id } = parsePart('jobs.fallback', 'params', jobIdParamsSchema, req.params);
    const job = await loadOwnedJob(ctx.db, job_id, identity.userId);
    requireState('jobs.fallback', job.status, FALLBACK_STATES);
    // A workflow past its retention can no longer be queried; the row's evidence still answers.
    const view = await jobHandle(ctx.temporal, job_id)
      .query(jobStateQuery)
      .catch(() => null);
    const failed: FailedTestView[] = view?.lastFailedTests ?? [];
    const lastPatch = await ctx.db
      .selectFrom('patch_attempts')
      .select('patch_summary')
      .where('job_id', '=', job_id)
      .orderBy('attempt_number', 'desc')
      .limit(1)
      .executeTakeFirst();
    const deepFix = tierEntitlements(identity.tier).deepFix;
    const actions: FallbackAction[] = [];
    if (job.status === 'WAITING_INTERVENTION') {
      if (deepFix !== 'NONE' && deepFix !== 'MANUAL_ONLY')
        actions.push({ type: 'DEEP_FIX', requires_confirmation: true });
      actions.push({ type: 'INTERVENE' });
    }
    if (job.status === 'FALLBACK_REQUIRED') actions.push({ type: 'EDIT_SPEC' });
    actions.push({ type: 'REPORT_ISSUE' });
    return {
      failed_tests: failed.map((t) => ({
        name: t.name,
        error_class: t.errorClass,
        location: t.location,
        excerpt: t.excerpt,
      })),
      error_excerpts: failed.flatMap((t) => (t.excerpt ? [t.excerpt] : [])),
      failure_pattern_fingerprint:
        job.failure_pattern_fingerprint ?? view?.failurePatternFingerprint ?? '',
      identical_failure_count: job.identical_failure_count,
      last_patch_summary: lastPatch?.patch_summary ?? view?.lastPatchSummary ?? '',
      // The partial artifact lives in the artifact store, which this job API does not own yet.
      partial_artifact_url: null,
      available_actions: actions,
    };
  });
}
