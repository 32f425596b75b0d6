/**
 * @module Structured JSON logging (pino) with redaction: logs never carry tokens, secrets or
 * source code (ARCHITECTURE §5, V1-FR-SEC-002).
 */
import type { FastifyServerOptions } from 'fastify';

/** Paths pino replaces with "[redacted]" wherever they appear in a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["stripe-signature"]',
  'req.headers["x-admin-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.new_password',
  '*.current_password',
  '*.access_token',
  '*.refresh_token',
  '*.token',
  '*.api_key',
  '*.secret',
  '*.source',
  '*.content',
];

type LoggedRequest = { id: unknown; method: string; url: string; ip?: string };

/**
 * Requests are logged without their query string: OAuth callbacks carry `code` and `state`
 * there (V1-FR-AUTH-002), and no query value is needed to follow a request through the logs.
 */
export const requestSerializer = (req: LoggedRequest) => ({
  reqId: req.id,
  method: req.method,
  path: req.url.split('?', 1)[0],
  remoteAddress: req.ip,
});

export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { req: requestSerializer },
  };
}
