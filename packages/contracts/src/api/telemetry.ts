/**
 * @module Telemetry ingestion (API_CONTRACT §11; V1-FR-ANA-003, V1-FR-ANA-005, §13 invariant 8).
 * The body schema checks shape only; whether an event is metadata-only is decided per event by
 * `isMetadataOnlyEvent`, because §11 rejects offending events in the counts, not the request.
 */
import { z } from 'zod';
import { isoDateTime } from './common';
import { defineEndpoint } from './endpoint';

export const telemetryEventSchema = z.strictObject({
  event_name: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'event_name must be snake_case'),
  properties: z.record(z.string(), z.unknown()),
  timestamp: isoDateTime(),
});
export type TelemetryEvent = z.infer<typeof telemetryEventSchema>;

export const telemetryBatchRequestSchema = z.strictObject({
  events: z.array(telemetryEventSchema).min(1).max(500),
});
export type TelemetryBatchRequest = z.infer<typeof telemetryBatchRequestSchema>;
export const telemetryBatchResponseSchema = z.strictObject({
  accepted: z.int().nonnegative(),
  rejected: z.int().nonnegative(),
});
export type TelemetryBatchResponse = z.infer<typeof telemetryBatchResponseSchema>;

/** Property names that announce content rather than metadata (V1-FR-ANA-003's prohibited list). */
const CONTENT_KEYS =
  /(^|_)(source|code|snippet|bdd|sdd|spec|prompt|completion|content|text|body|diff|patch|ast|keystrokes?)(_|$)/i;
const MAX_VALUE_LENGTH = 200;

/**
 * True when every property is a flat, short, single-line primitive under a metadata-like name.
 * Conservative on purpose: a rejected event costs a data point, an accepted one could leak code.
 * @example isMetadataOnlyEvent({ event_name: 'patch_accepted', properties: { files: 2 }, timestamp: '2026-01-01T00:00:00Z' }) // true
 */
export function isMetadataOnlyEvent(event: TelemetryEvent): boolean {
  return Object.entries(event.properties).every(([key, value]) => {
    if (CONTENT_KEYS.test(key)) return false;
    if (value === null || typeof value === 'number' || typeof value === 'boolean') return true;
    return typeof value === 'string' && value.length <= MAX_VALUE_LENGTH && !/[\r\n]/.test(value);
  });
}

export const telemetryEndpoints = [
  defineEndpoint({
    id: 'telemetry.events',
    method: 'POST',
    path: '/api/v1/telemetry/events',
    auth: 'user',
    summary: 'Metadata-only client funnel events',
    source: 'API_CONTRACT §11',
    requirementIds: ['V1-FR-ANA-003', 'V1-FR-ANA-005'],
    request: { body: telemetryBatchRequestSchema },
    responses: { 200: telemetryBatchResponseSchema },
  }),
];
