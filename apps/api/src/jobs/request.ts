/**
 * @module Typed request parsing for the job routes: the `ENDPOINTS` entry's own zod schemas (or a
 * schema of the same entry, typed), failures rendered as the §12 envelope by the contracts'
 * `validationError`, so nothing is read or written on bad input.
 */
import type { z } from 'zod';
import { endpointById, validationError, type RequestPart } from '@iama/contracts';
import { ApiError } from '../errors';

/**
 * @example const body = parsePart('jobs.create', 'body', createJobRequestSchema, req.body);
 */
export function parsePart<S extends z.ZodType>(
  endpointId: string,
  part: RequestPart,
  schema: S,
  value: unknown,
): z.infer<S> {
  const result = schema.safeParse(value ?? (part === 'body' ? undefined : {}));
  if (result.success) return result.data;
  const { body } = validationError(endpointById(endpointId), part, result.error);
  throw new ApiError(body.error_code, body.message, body.detail);
}
