/**
 * @module What a support ticket carries (V1-FR-SUP-002..005). Always: job identifiers, status,
 * failure summary and the status timeline (metadata). Only in `WITH_CONTEXT` mode (consent given
 * and, for Enterprise or organisation members, the organisation allows it): the job's stream
 * events as a redacted attachment, without file contents. Everything passes `redact.ts`.
 */
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';
import type { CreateTicketRequest, Tier } from '@iama/contracts';
import type { JobRow } from '../../jobs/access';
import { metadataOnlyText, redactText, redactValue } from './redact';
import type { TicketDraft } from './ticketing';

export type PayloadMode = 'METADATA_ONLY' | 'WITH_CONTEXT';

/**
 * V1-FR-SUP-004/005: no consent → metadata only; Enterprise accounts and organisation members
 * get context only when their organisation enabled it; everyone else with consent gets context.
 */
export function payloadModeFor(input: {
  consent: boolean;
  tier: Tier;
  orgMode: PayloadMode | null;
}): PayloadMode {
  if (!input.consent) return 'METADATA_ONLY';
  if (input.tier === 'ENTERPRISE' || input.orgMode !== null)
    return input.orgMode === 'WITH_CONTEXT' ? 'WITH_CONTEXT' : 'METADATA_ONLY';
  return 'WITH_CONTEXT';
}

/** File bodies never travel with a ticket, even with context: logs and traces only. */
const FILE_CONTENT_KEYS = new Set([
  'content',
  'original_content',
  'patched_content',
  'source_files',
  'test_files',
  'target_files',
  'files',
]);
const MAX_EVENTS = 200;

function withoutFileContents(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutFileContents);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        FILE_CONTENT_KEYS.has(k) ? '[file contents omitted]' : withoutFileContents(v),
      ]),
    );
  }
  return value;
}

export async function buildTicketDraft(
  db: Kysely<Database>,
  input: {
    ticketId: string;
    job: JobRow;
    request: CreateTicketRequest;
    mode: PayloadMode;
    tier: Tier;
    userId: string;
  },
): Promise<TicketDraft> {
  const { job, request, mode } = input;
  const events = await db
    .selectFrom('job_events')
    .select(['seq', 'event_type', 'payload', 'created_at'])
    .where('job_id', '=', job.id)
    .orderBy('seq', 'desc')
    .limit(MAX_EVENTS)
    .execute();
  events.reverse();
  const timeline = events
    .filter((e) => e.event_type === 'state_change')
    .map(
      (e) =>
        `${e.created_at.toISOString()}  ${String((e.payload as { state?: unknown }).state ?? '?')}`,
    );
  const description = request.description
    ? mode === 'WITH_CONTEXT'
      ? redactText(request.description)
      : metadataOnlyText(request.description)
    : '(none)';
  const body = [
    `IAMA support ticket ${input.ticketId}`,
    `Issue type: ${request.issue_type}`,
    `Job: ${job.id}`,
    `User: ${input.userId} (tier ${input.tier})`,
    `Status: ${job.status}${job.failure_reason ? ` (${job.failure_reason})` : ''}`,
    `Execution mode: ${job.execution_mode}; phase: ${job.current_phase ?? '-'}; attempts: ${job.attempt_count}; identical failures: ${job.identical_failure_count}`,
    `Failure fingerprint: ${job.failure_pattern_fingerprint ?? '-'}`,
    `Consent to share logs: ${request.consent_to_share_logs ? 'yes' : 'no'}; payload: ${mode}`,
    '',
    'Status timeline:',
    ...(timeline.length ? timeline : ['(no recorded transitions)']),
    '',
    'Description:',
    description,
  ].join('\n');
  const attachment =
    mode === 'WITH_CONTEXT'
      ? {
          filename: `iama-job-${job.id}-events.json`,
          content: JSON.stringify(
            events.map((e) => ({
              seq: e.seq,
              type: e.event_type,
              at: e.created_at.toISOString(),
              payload: redactValue(withoutFileContents(e.payload)),
            })),
            null,
            2,
          ),
        }
      : null;
  return {
    ticketId: input.ticketId,
    subject: `[IAMA] ${request.issue_type} — job ${job.id.slice(0, 8)} (${job.status})`,
    body,
    tags: [
      'iama',
      request.issue_type.toLowerCase(),
      mode.toLowerCase(),
      `tier_${input.tier.toLowerCase()}`,
    ],
    attachment,
  };
}
