/**
 * @module The wiring probe (issue #2): `POST /health/probe` runs `healthProbeWorkflow`, whose
 * activity writes an `audit_events` row; `GET /health/probe/:probe_id` reads it back. Disabled
 * unless `IAMA_HEALTH_PROBE=1` (dev stack, tests) because it writes; see docs/api/ADDITIONS.md.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { healthProbeWorkflow } from '@iama/worker/workflows';
import type { AppDeps } from '../app';
import { ApiError } from '../errors';

const HEALTH_PROBE_EVENT = 'system.health_probe';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const healthProbeRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  app.post('/health/probe', async (_req, reply) => {
    const probeId = randomUUID();
    const result = await deps.temporal.workflow.execute<typeof healthProbeWorkflow>('healthProbeWorkflow', {
      taskQueue: deps.taskQueue,
      workflowId: `health-probe-${probeId}`,
      args: [probeId],
      workflowExecutionTimeout: '60 seconds',
    });
    return reply.code(201).send({ probe_id: result.probeId, audit_event_id: result.auditEventId });
  });

  app.get<{ Params: { probe_id: string } }>('/health/probe/:probe_id', async (req) => {
    const probeId = req.params.probe_id;
    if (!UUID.test(probeId)) throw new ApiError('VALIDATION_FAILED', 'probe_id must be a UUID', { field: 'probe_id' });
    const row = await deps.db
      .selectFrom('audit_events')
      .select(['id', 'created_at'])
      .where('event_type', '=', HEALTH_PROBE_EVENT)
      .where('metadata', '@>', JSON.stringify({ probe_id: probeId }))
      .executeTakeFirst();
    if (!row) throw new ApiError('NOT_FOUND', 'No probe with this id');
    return { probe_id: probeId, audit_event_id: row.id, recorded_at: row.created_at.toISOString() };
  });
};
