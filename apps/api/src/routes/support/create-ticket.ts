/**
 * @module `POST /api/v1/support/tickets` (API_CONTRACT §7; V1-FR-SUP-001..005): the caller's
 * own job only (invariant 2), consent recorded with the ticket, payload mode decided here from
 * tier and organisation policy (never by the client), redacted before it leaves, audited. If
 * the provider fails nothing is recorded and the call can be repeated.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { CreateTicketRequest, CreateTicketResponse } from '@iama/contracts';
import { requireUser } from '../../plugins/auth';
import { ApiError } from '../../errors';
import { loadOwnedJob } from '../../jobs/access';
import { parseRequest } from '../../admin/validate';
import { orgPolicy } from '../../admin/org-policy';
import { buildTicketDraft, payloadModeFor } from './ticket-payload';
import { TicketingError, type TicketingAdapter } from './ticketing';

export const supportRoutes: FastifyPluginAsync<{ ticketing: TicketingAdapter }> = async (
  app,
  opts,
) => {
  app.post('/api/v1/support/tickets', async (req, reply) => {
    const identity = requireUser(req);
    const body = parseRequest<CreateTicketRequest>('support.createTicket', 'body', req.body);
    const db = app.adminDb;
    const job = await loadOwnedJob(db, body.job_id, identity.userId);
    const policy = await orgPolicy(db, identity.userId);
    const mode = payloadModeFor({
      consent: body.consent_to_share_logs,
      tier: identity.tier,
      orgMode: policy.supportPayloadMode,
    });
    const ticketId = randomUUID();
    const draft = await buildTicketDraft(db, {
      ticketId,
      job,
      request: body,
      mode,
      tier: identity.tier,
      userId: identity.userId,
    });
    let externalTicketId: string;
    try {
      ({ externalTicketId } = await opts.ticketing.createTicket(draft));
    } catch (err) {
      if (!(err instanceof TicketingError)) throw err;
      req.log.warn(
        { provider: opts.ticketing.provider, reason: err.message },
        'ticketing provider failed',
      );
      throw new ApiError(
        'INTERNAL_ERROR',
        'The ticketing provider did not accept the ticket; nothing was recorded, try again',
        { provider: opts.ticketing.provider },
      );
    }
    const row = await db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('support_ticket_logs')
        .values({
          id: ticketId,
          user_id: identity.userId,
          job_id: job.id,
          external_ticket_id: externalTicketId,
          issue_type: body.issue_type,
          consent_given: body.consent_to_share_logs,
          payload_mode: mode,
        })
        .returning('created_at')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('audit_events')
        .values({
          actor_id: identity.userId,
          job_id: job.id,
          event_type: 'support.ticket_created',
          new_state: job.status,
          surface: 'API',
          metadata: {
            ticket_id: ticketId,
            external_ticket_id: externalTicketId,
            provider: opts.ticketing.provider,
            issue_type: body.issue_type,
            consent_given: body.consent_to_share_logs,
            payload_mode: mode,
            // V1-FR-SUP-005: code context left for an Enterprise/organisation account because its admin enabled it.
            context_sharing_override:
              mode === 'WITH_CONTEXT' && policy.supportPayloadMode === 'WITH_CONTEXT',
          },
        })
        .execute();
      return inserted;
    });
    const res: CreateTicketResponse = {
      ticket_id: ticketId,
      external_ticket_id: externalTicketId,
      created_at: row.created_at.toISOString(),
    };
    return reply.code(201).send(res);
  });
};
