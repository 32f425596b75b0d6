/**
 * @module Request parsing for operator, support and telemetry routes: the `ENDPOINTS` entry's
 * own zod schemas, failures rendered as the §12 envelope by `validationError` (nothing is
 * written when input is bad).
 */
import type { z } from 'zod';
import { endpointById, validationError, type RequestPart } from '@iama/contracts';
import { ApiError } from '../errors';

/** @example const body = parseRequest('admin.putConfig', 'body', req.body); */
export function parseRequest<T = unknown>(
  endpointId: string,
  part: RequestPart,
  value: unknown,
): T {
  const endpoint = endpointById(endpointId);
  const schema = endpoint.request[part] as z.ZodType | undefined;
  if (!schema) throw new Error(`${endpointId} has no ${part} schema`);
  const result = schema.safeParse(value ?? (part === 'body' ? undefined : {}));
  if (result.success) return result.data as T;
  const { body } = validationError(endpoint, part, result.error);
  throw new ApiError(body.error_code, body.message, body.detail);
}
