/** @module Request ids: honour a well-formed `x-request-id`, otherwise mint one; echo it on every response. */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, RawServerBase } from 'fastify';
import type { IncomingMessage } from 'node:http';

const HEADER = 'x-request-id';
// A caller-supplied id ends up in logs, so only a conservative charset is trusted.
const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;

export function genReqId(req: IncomingMessage): string {
  const given = req.headers[HEADER];
  return typeof given === 'string' && WELL_FORMED.test(given) ? given : randomUUID();
}

export function registerRequestId<S extends RawServerBase>(app: FastifyInstance<S>): void {
  app.addHook('onRequest', async (req, reply) => {
    void reply.header(HEADER, req.id);
  });
}
