/**
 * @module `POST /api/v1/telemetry/events` (API_CONTRACT §11, §13 invariant 8; V1-FR-ANA-003,
 * V1-FR-ANA-005): metadata-only client events into the telemetry sink. Each prohibited event is
 * refused and counted in `rejected`, the clean ones are stored; under Zero Telemetry Mode
 * nothing is stored and the answer is still 200 (§11).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { TelemetryBatchRequest, TelemetryBatchResponse } from '@iama/contracts';
import { requireUser } from '../../plugins/auth';
import { parseRequest } from '../../admin/validate';
import { orgPolicy } from '../../admin/org-policy';
import { checkTelemetryEvent } from './privacy';
import type { StoredTelemetryEvent, TelemetrySink } from './sink';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const telemetryRoutes: FastifyPluginAsync<{ sink: TelemetrySink }> = async (app, opts) => {
  app.post('/api/v1/telemetry/events', async (req): Promise<TelemetryBatchResponse> => {
    const identity = requireUser(req);
    const body = parseRequest<TelemetryBatchRequest>('telemetry.events', 'body', req.body);
    const receivedAt = new Date().toISOString();
    const clean: StoredTelemetryEvent[] = [];
    const reasons: Record<string, number> = {};
    for (const event of body.events) {
      const verdict = checkTelemetryEvent(event);
      if (!verdict.ok) {
        reasons[verdict.reason] = (reasons[verdict.reason] ?? 0) + 1;
        continue;
      }
      const jobId = event.properties.job_id;
      clean.push({
        event_id: randomUUID(),
        source: 'client',
        event_name: event.event_name,
        timestamp: new Date(event.timestamp).toISOString(),
        received_at: receivedAt,
        user_id: identity.userId,
        job_id: typeof jobId === 'string' && UUID.test(jobId) ? jobId : null,
        properties: event.properties as StoredTelemetryEvent['properties'],
      });
    }
    const rejected = body.events.length - clean.length;
    // Counts and reasons only: the refused content itself is never logged.
    if (rejected > 0)
      req.log.info({ telemetry_rejected: reasons }, 'telemetry events refused by the privacy gate');
    if ((await orgPolicy(app.adminDb, identity.userId)).zeroTelemetry)
      return { accepted: clean.length, rejected };
    await opts.sink.append(clean);
    return { accepted: clean.length, rejected };
  });
};
