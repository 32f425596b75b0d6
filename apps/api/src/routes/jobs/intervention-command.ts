/** @module `POST /api/v1/jobs/:job_id/intervention/command` (API_CONTRACT §4; V1-FR-DEL-002, PRD V1 §13 item 10): a natural-language repair in `USER_INTERVENING`; its result arrives on the stream. */
import type { FastifyInstance } from 'fastify';
import {
  interventionCommandRequestSchema,
  type InterventionCommandResponse,
} from '@iama/contracts';
import { interventionCommandUpdate } from '@iama/worker';
import { stateConflict } from '../../jobs/state-guard';
import { jobAction } from './job-action';
import type { JobRouteContext } from './context';

export function interventionCommandRoute(app: FastifyInstance, ctx: JobRouteContext): void {
  jobAction(app, ctx, {
    endpointId: 'jobs.interventionCommand',
    allowed: ['USER_INTERVENING'],
    body: interventionCommandRequestSchema,
    send: async ({ handle, body, actor }): Promise<InterventionCommandResponse> => {
      const out = await handle.executeUpdate(interventionCommandUpdate, {
        args: [{ ...actor, command: body.command }],
      });
      if (out.status !== 'USER_INTERVENING')
        throw stateConflict('jobs.interventionCommand', out.status, ['USER_INTERVENING']);
      return { command_id: out.commandId, status: 'USER_INTERVENING' };
    },
  });
}
