/**
 * @module `POST /api/v1/jobs/:job_id/intervention/deep-fix` (API_CONTRACT §4; V1-FR-TEST-003A,
 * V1-FR-ROUTE-005, AGENT.md resolution 17): `WAITING_INTERVENTION` → `DEEP_FIX_ACTIVE`. The
 * contract has the client show the confirmation dialog before it calls this route, so the call
 * is the confirmation: where the tier's Deep Fix needs the L3 confirmation, it is given here.
 * Free and Plus (no Deep Fix, V1-FR-SUB-004) are `ENTITLEMENT_DENIED` before the workflow is asked.
 */
import type { FastifyInstance } from 'fastify';
import { tierEntitlements, type DeepFixResponse } from '@iama/contracts';
import { chooseInterventionUpdate, confirmDeepFixUpdate } from '@iama/worker';
import { ApiError } from '../../errors';
import { stateConflict } from '../../jobs/state-guard';
import { jobAction } from './job-action';
import type { JobRouteContext } from './context';

export function deepFixRoute(app: FastifyInstance, ctx: JobRouteContext): void {
  jobAction(app, ctx, {
    endpointId: 'jobs.deepFix',
    allowed: ['WAITING_INTERVENTION'],
    precheck: ({ identity }) => {
      if (['NONE', 'MANUAL_ONLY'].includes(tierEntitlements(identity.tier).deepFix))
        throw new ApiError(
          'ENTITLEMENT_DENIED',
          'Deep Fix is not included in this plan',
          undefined,
          { denial_reason: 'DEEP_FIX_NOT_ENTITLED' },
        );
    },
    send: async ({ handle, job, actor }): Promise<DeepFixResponse> => {
      const chosen = await handle.executeUpdate(chooseInterventionUpdate, {
        args: [{ ...actor, choice: 'DEEP_FIX' }],
      });
      let status = chosen.status;
      if (chosen.awaiting === 'DEEP_FIX_CONFIRMATION')
        status = (
          await handle.executeUpdate(confirmDeepFixUpdate, { args: [{ ...actor, confirm: true }] })
        ).status;
      if (status !== 'DEEP_FIX_ACTIVE')
        throw stateConflict('jobs.deepFix', status, ['WAITING_INTERVENTION']);
      return {
        job_id: job.id,
        status: 'DEEP_FIX_ACTIVE',
        context_reset: true,
        model_upgraded: chosen.modelUpgraded,
        new_attempt_counter: 0,
      };
    },
  });
}
