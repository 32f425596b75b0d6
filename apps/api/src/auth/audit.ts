/**
 * @module Audit rows of identity events (issue #5 "an immutable event for every state-changing
 * action"; V1-FR-SEC-001 "auditable by event type"). Event types start with `auth.`.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, JsonObject } from '@iama/db';

export const AUTH_EVENTS = {
  register: 'auth.register',
  login: 'auth.login',
  loginFailed: 'auth.login_failed',
  /** V1-FR-SEC-001: the suspicious-login notification, recorded for the email adapter to send. */
  suspiciousLogin: 'auth.suspicious_login',
  refreshReuse: 'auth.refresh_token_reuse',
  logout: 'auth.logout',
  oauthLinked: 'auth.oauth_linked',
  oauthStateUsed: 'auth.oauth_state_used',
} as const;

export type AuthAuditInput = {
  userId: string | null;
  eventType: (typeof AUTH_EVENTS)[keyof typeof AUTH_EVENTS];
  ip?: string | null;
  oldState?: string | null;
  newState?: string | null;
  metadata?: JsonObject;
};

export async function writeAuthAudit(
  db: Kysely<Database> | Transaction<Database>,
  input: AuthAuditInput,
): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      actor_id: input.userId,
      event_type: input.eventType,
      old_state: input.oldState ?? null,
      new_state: input.newState ?? null,
      metadata: input.metadata ?? {},
      ip_address: inetOrNull(input.ip),
      surface: 'API',
    })
    .execute();
}

// `ip_address` is INET: a value PostgreSQL would refuse must not lose the row.
export function inetOrNull(ip: string | null | undefined): string | null {
  return ip && /^[0-9a-fA-F:.]{2,45}$/.test(ip) ? ip : null;
}
