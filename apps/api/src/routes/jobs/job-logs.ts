/**
 * @module `GET /api/v1/jobs/:job_id/logs` (API_CONTRACT §4; V1-FR-OBS-002, V1-FR-OBS-003,
 * V2-FR-WF-004, ARCHITECTURE D5): the job's events as server-sent events, resumable with
 * `Last-Event-ID` on any API instance (events live in `job_events`). The bearer token is read
 * from the Authorization header only; a token in the URL is refused, because URLs end up in
 * server and proxy logs. The token is checked when the stream opens: an open stream outlives the
 * access token's expiry, and a reconnect after refresh resumes where it stopped, so the client
 * never sees a 401 mid-stream (V1-FR-AUTH-004).
 */
import type { FastifyInstance } from 'fastify';
import { jobIdParamsSchema } from '@iama/contracts';
import { requireUser } from '../../plugins/auth';
import { ApiError } from '../../errors';
import { parsePart } from '../../jobs/request';
import { loadOwnedJob } from '../../jobs/access';
import { parseLastEventId, serveJobStream } from '../../jobs/job-stream';
import type { JobRouteContext } from './context';

/** Query parameters that could carry a credential (names used by EventSource work-arounds). */
const CREDENTIAL_PARAM = /token|auth|jwt|bearer|key|session/i;

export function jobLogsRoute(app: FastifyInstance, ctx: JobRouteContext): void {
  app.get('/api/v1/jobs/:job_id/logs', async (req, reply) => {
    const query = (req.query ?? {}) as Record<string, unknown>;
    const names = Object.keys(query);
    if (names.some((n) => CREDENTIAL_PARAM.test(n)))
      throw new ApiError(
        'INVALID_CREDENTIALS',
        'Tokens in the URL are refused; send Authorization: Bearer <token>',
        { refused_query_parameters: names },
      );
    if (names.length > 0)
      throw new ApiError('VALIDATION_FAILED', 'This stream takes no query parameters', {
        part: 'query',
        unexpected: names,
      });
    const { userId } = requireUser(req);
    const { job_id } = parsePart('jobs.logs', 'params', jobIdParamsSchema, req.params);
    const afterSeq = parseLastEventId(req.headers['last-event-id']);
    if (afterSeq === null)
      throw new ApiError(
        'VALIDATION_FAILED',
        'Last-Event-ID must be the id of an event of this stream',
        { part: 'headers', field: 'last-event-id' },
      );
    await loadOwnedJob(ctx.db, job_id, userId);

    reply.hijack();
    ctx.streams.add(reply.raw);
    reply.raw.once('close', () => ctx.streams.delete(reply.raw));
    await serveJobStream(reply.raw, {
      db: ctx.db,
      hub: ctx.hub,
      jobId: job_id,
      afterSeq,
      keepAliveMs: ctx.keepAliveMs,
      retryMs: 2_000,
      headers: { 'x-request-id': req.id },
      onError: (err) => {
        req.log.error({ err, job_id }, 'job stream read failed');
        reply.raw.destroy();
      },
    });
  });
}
