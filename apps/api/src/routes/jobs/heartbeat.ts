/**
 * @module `POST /api/v1/jobs/:job_id/heartbeat` (API_CONTRACT §4; V1-FR-JOB-007, PRD V1 §13 items
 * 15-17): records the beat on the job's `client_heartbeat_sessions` row and forwards it to the
 * workflow (`clientHeartbeat` signal), which owns the grace timer and every status change of the
 * session. An unknown, lost or terminated session, or a job that has ended, is
 * `HEARTBEAT_SESSION_INVALID`.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import {
  heartbeatRequestSchema,
  isTerminal,
  jobIdParamsSchema,
  type HeartbeatResponse,
} from '@iama/contracts';
import { clientHeartbeatSignal } from '@iama/worker';
import { requireUser } from '../../plugins/auth';
import { ApiError } from '../../errors';
import { parsePart } from '../../jobs/request';
import { loadOwnedJob } from '../../jobs/access';
import { jobHandle } from '../../jobs/workflow-call';
import type { JobRouteContext } from './context';

const LIVE_SESSION = ['ACTIVE', 'GRACE_PERIOD', 'RECOVERED'];

export function heartbeatRoute(app: FastifyInstance, ctx: JobRouteContext): void {
  app.post('/api/v1/jobs/:job_id/heartbeat', async (req): Promise<HeartbeatResponse> => {
    const { userId } = requireUser(req);
    const { job_id } = parsePart('jobs.heartbeat', 'params', jobIdParamsSchema, req.params);
    const body = parsePart('jobs.heartbeat', 'body', heartbeatRequestSchema, req.body);
    if (body.job_id !== job_id)
      throw new ApiError('VALIDATION_FAILED', 'body job_id must equal the job in the path', {
        part: 'body',
        issues: [{ path: 'job_id', code: 'custom', message: 'mismatch' }],
      });
    const job = await loadOwnedJob(ctx.db, job_id, userId);
    const invalid = () =>
      new ApiError(
        'HEARTBEAT_SESSION_INVALID',
        'No live heartbeat session with this id for this job',
        { current_state: job.status },
      );
    if (isTerminal(job.status)) throw invalid();
    const session = await ctx.db
      .updateTable('client_heartbeat_sessions')
      .set({ last_seen_at: sql`now()`, updated_at: sql`now()` })
      .where('job_id', '=', job_id)
      .where('session_id', '=', body.session_id)
      .where('status', 'in', LIVE_SESSION)
      .returning(['status', 'grace_deadline_at'])
      .executeTakeFirst();
    if (!session) throw invalid();
    try {
      await jobHandle(ctx.temporal, job_id).signal(clientHeartbeatSignal, {
        sessionId: body.session_id,
      });
    } catch (err) {
      if ((err as { name?: string }).name === 'WorkflowNotFoundError') throw invalid();
      throw err;
    }
    return {
      acknowledged: true,
      grace_deadline_at:
        session.status === 'GRACE_PERIOD'
          ? (session.grace_deadline_at?.toISOString() ?? null)
          : null,
    };
  });
}
