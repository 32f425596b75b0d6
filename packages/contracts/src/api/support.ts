/**
 * @module Support ticket endpoint (API_CONTRACT §7; V1-FR-SUP-001..005). Consent is explicit
 * and always sent (V1-FR-SUP-004); the payload mode is decided server-side from tier and org
 * policy (V1-FR-SUP-005), never by the client.
 */
import { z } from 'zod';
import { isoDateTime, uuid } from './common';
import { defineEndpoint } from './endpoint';

export const createTicketRequestSchema = z.strictObject({
  job_id: uuid(),
  issue_type: z.enum(['JOB_FAILED', 'BILLING_ISSUE', 'OTHER']),
  description: z.string().max(8000).optional(),
  consent_to_share_logs: z.boolean(),
});
export type CreateTicketRequest = z.infer<typeof createTicketRequestSchema>;
export const createTicketResponseSchema = z.strictObject({
  ticket_id: z.string().min(1),
  external_ticket_id: z.string().min(1),
  created_at: isoDateTime(),
});
export type CreateTicketResponse = z.infer<typeof createTicketResponseSchema>;

export const supportEndpoints = [
  defineEndpoint({
    id: 'support.createTicket',
    method: 'POST',
    path: '/api/v1/support/tickets',
    auth: 'user',
    summary: 'Create a support ticket from the IDE',
    source: 'API_CONTRACT §7',
    requirementIds: [
      'V1-FR-SUP-001',
      'V1-FR-SUP-002',
      'V1-FR-SUP-003',
      'V1-FR-SUP-004',
      'V1-FR-SUP-005',
    ],
    request: { body: createTicketRequestSchema },
    responses: { 201: createTicketResponseSchema },
    // The body's job must be the caller's (§13 invariant 2) even though it is not a path parameter.
    errors: ['JOB_NOT_FOUND', 'JOB_OWNERSHIP_VIOLATION'],
  }),
];
