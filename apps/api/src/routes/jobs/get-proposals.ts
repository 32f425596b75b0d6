/**
 * @module `GET /api/v1/jobs/:job_id/proposals` (API_CONTRACT §4; V1-FR-SPEC-001, V1-FR-UXA-003,
 * V1-FR-PRO-001): the three proposals from the workflow's `jobState` query. Technical analysis and
 * complexity are Professional Mode content: plans without it get plain language only.
 */
import type { FastifyInstance } from 'fastify';
import { tierEntitlements, type ProposalsResponse, type ProposalApi } from '@iama/contracts';
import { jobStateQuery } from '@iama/worker';
import { stateConflict } from '../../jobs/state-guard';
import { jobAction } from './job-action';
import type { JobRouteContext } from './context';

export function getProposalsRoute(app: FastifyInstance, ctx: JobRouteContext): void {
  jobAction(app, ctx, {
    endpointId: 'jobs.proposals',
    allowed: ['WAITING_STRATEGY', 'WAITING_SPEC_APPROVAL'],
    send: async ({ handle, identity }): Promise<ProposalsResponse> => {
      const view = await handle.query(jobStateQuery);
      if (view.proposals.length !== 3)
        throw stateConflict(
          'jobs.proposals',
          view.status,
          ['WAITING_STRATEGY'],
          'The proposals are not ready',
        );
      const professional = tierEntitlements(identity.tier).professionalModeFeatures;
      const proposals = view.proposals.map((p): ProposalApi => ({
        id: p.proposalId,
        level: p.level,
        title: p.title,
        summary: p.summary,
        risk_score: p.riskScore,
        technical_analysis: professional
          ? (p.technicalAnalysis as ProposalApi['technical_analysis'])
          : null,
        estimated_complexity: professional ? p.estimatedComplexity : null,
      }));
      return { proposals };
    },
  });
}
