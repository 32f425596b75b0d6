/** @module `POST /api/v1/jobs/:job_id/proposals/select` (API_CONTRACT §4; V1-FR-SPEC-001, V1-FR-PRO-003): `WAITING_STRATEGY` → `WAITING_SPEC_APPROVAL`. */
import type { FastifyInstance } from 'fastify';
import { selectProposalRequestSchema, type SelectProposalResponse } from '@iama/contracts';
import { selectProposalUpdate } from '@iama/worker';
import { stateConflict } from '../../jobs/state-guard';
import { jobAction } from './job-action';
import type { JobRouteContext } from './context';

export function selectProposalRoute(app: FastifyInstance, ctx: JobRouteContext): void {
  jobAction(app, ctx, {
    endpointId: 'jobs.selectProposal',
    allowed: ['WAITING_STRATEGY'],
    body: selectProposalRequestSchema,
    send: async ({ handle, job, body, actor }): Promise<SelectProposalResponse> => {
      const out = await handle.executeUpdate(selectProposalUpdate, {
        args: [{ ...actor, proposalId: body.proposal_id }],
      });
      if (out.status !== 'WAITING_SPEC_APPROVAL')
        throw stateConflict('jobs.selectProposal', out.status, ['WAITING_STRATEGY']);
      return { job_id: job.id, status: 'WAITING_SPEC_APPROVAL' };
    },
  });
}
