/**
 * @module The ticketing provider (V1-FR-SUP-001): Zendesk's REST API (`POST /api/v2/uploads`
 * for the redacted log attachment, `POST /api/v2/tickets` for the ticket, API-token basic
 * auth). Without Zendesk settings the API uses `localTicketing`, which keeps the ticket in
 * IAMA only and says so in its id (`LOCAL-…`): a stand-in for development and the demo.
 */
import { randomUUID } from 'node:crypto';

export type TicketDraft = {
  /** IAMA's `support_ticket_logs.id`, sent as the provider's `external_id`. */
  ticketId: string;
  subject: string;
  body: string;
  tags: string[];
  /** Already redacted (V1-FR-SUP-003); only for `WITH_CONTEXT` payloads. */
  attachment: { filename: string; content: string } | null;
};

export type TicketingAdapter = {
  provider: string;
  createTicket(draft: TicketDraft): Promise<{ externalTicketId: string }>;
};

export class TicketingError extends Error {
  override readonly name = 'TicketingError';
}

export type ZendeskSettings = {
  baseUrl: string;
  email: string;
  apiToken: string;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
};

export function zendeskTicketing(s: ZendeskSettings): TicketingAdapter {
  const doFetch = s.fetchImpl ?? fetch;
  const auth = `Basic ${Buffer.from(`${s.email}/token:${s.apiToken}`).toString('base64')}`;
  const call = async (path: string, init: RequestInit): Promise<unknown> => {
    let res: Response;
    try {
      res = await doFetch(new URL(path, s.baseUrl), {
        ...init,
        headers: { authorization: auth, ...(init.headers ?? {}) },
        signal: AbortSignal.timeout(s.timeoutMs ?? 10_000),
      });
    } catch (err) {
      throw new TicketingError(`zendesk unreachable: ${(err as Error).name}`);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new TicketingError(`zendesk answered ${res.status} on ${path.split('?')[0]}`);
    }
    return res.json();
  };
  return {
    provider: 'zendesk',
    async createTicket(draft) {
      let uploads: string[] = [];
      if (draft.attachment) {
        const up = (await call(
          `/api/v2/uploads.json?filename=${encodeURIComponent(draft.attachment.filename)}`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: draft.attachment.content,
          },
        )) as { upload?: { token?: string } };
        if (!up.upload?.token) throw new TicketingError('zendesk upload answered without a token');
        uploads = [up.upload.token];
      }
      const created = (await call('/api/v2/tickets.json', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          ticket: {
            subject: draft.subject,
            external_id: draft.ticketId,
            tags: draft.tags,
            comment: { body: draft.body, public: false, uploads },
          },
        }),
      })) as { ticket?: { id?: number | string } };
      if (created.ticket?.id === undefined)
        throw new TicketingError('zendesk ticket answered without an id');
      return { externalTicketId: String(created.ticket.id) };
    },
  };
}

export function localTicketing(): TicketingAdapter {
  return {
    provider: 'local',
    createTicket: async () => ({ externalTicketId: `LOCAL-${randomUUID()}` }),
  };
}

/** Zendesk when `IAMA_ZENDESK_URL`, `IAMA_ZENDESK_EMAIL` and `IAMA_ZENDESK_API_TOKEN` are set, else local. */
export function ticketingFromEnv(env: NodeJS.ProcessEnv = process.env): TicketingAdapter {
  const {
    IAMA_ZENDESK_URL: baseUrl,
    IAMA_ZENDESK_EMAIL: email,
    IAMA_ZENDESK_API_TOKEN: apiToken,
  } = env;
  if (baseUrl && email && apiToken) return zendeskTicketing({ baseUrl, email, apiToken });
  if (baseUrl || email || apiToken)
    throw new Error(
      'support: set IAMA_ZENDESK_URL, IAMA_ZENDESK_EMAIL and IAMA_ZENDESK_API_TOKEN together',
    );
  return localTicketing();
}
