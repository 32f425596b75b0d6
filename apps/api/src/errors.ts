/**
 * @module One way to fail a request: throw `ApiError(code, …)`; the handler renders the
 * API_CONTRACT §12 envelope from the contracts catalogue. Anything unexpected becomes
 * `INTERNAL_ERROR` with the request id and no internals.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { apiError, type ApiErrorResult, type ErrorCode, type ErrorExtra } from '@iama/contracts';

export class ApiError<C extends ErrorCode = ErrorCode> extends Error {
  readonly response: ApiErrorResult<C>;

  constructor(code: C, message: string, detail?: Record<string, unknown>, extra?: Omit<ErrorExtra<C>, 'detail'>) {
    super(message);
    this.name = 'ApiError';
    const fields = { ...(extra ?? {}), ...(detail ? { detail } : {}) } as ErrorExtra<C>;
    this.response = (apiError as (c: C, m: string, e: ErrorExtra<C>) => ApiErrorResult<C>)(code, message, fields);
  }
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ApiError, req, reply) => {
    if (err instanceof ApiError) return reply.code(err.response.status).send(err.response.body);
    // Fastify's own 4xx (malformed JSON, unsupported media type, body too large) are the caller's input.
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      const { status, body } = apiError('VALIDATION_FAILED', err.message, { detail: { fastify_code: err.code } });
      return reply.code(status).send(body);
    }
    req.log.error({ err }, 'unhandled error');
    const { status, body } = apiError('INTERNAL_ERROR', 'Internal error', { detail: { request_id: req.id } });
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    const { status, body } = apiError('NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}`, { detail: {} });
    return reply.code(status).send(body);
  });
}
