/**
 * @module Suspicious-login detection (V1-FR-SEC-001: the suspicious-login notification). A
 * successful login is suspicious when the account has logged in before but never from this
 * address, or when it follows a burst of failed attempts. The notification is recorded as an
 * `auth.suspicious_login` audit event naming the channel; the transactional email adapter
 * sends it from there, so the login itself never waits on mail.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '@iama/db';
import { AUTH_EVENTS, inetOrNull, writeAuthAudit } from './audit';

/** Failed attempts within the window that make the next success suspicious. */
export const FAILED_ATTEMPTS_THRESHOLD = 5;
const FAILED_WINDOW = '1 hour';

export type SuspicionReason = 'NEW_ADDRESS' | 'AFTER_FAILED_ATTEMPTS';

/** Reasons this login (not yet recorded) is suspicious; empty when it is not. */
export async function suspicionReasons(
  db: Kysely<Database>,
  userId: string,
  ip: string | null,
): Promise<SuspicionReason[]> {
  const row = await db
    .selectFrom('audit_events')
    .select([
      sql<number>`count(*) filter (where event_type = ${AUTH_EVENTS.login})::int`.as('logins'),
      sql<number>`count(*) filter (where event_type = ${AUTH_EVENTS.login} and ip_address is not distinct from ${inetOrNull(ip)}::inet)::int`.as(
        'from_here',
      ),
      sql<number>`count(*) filter (where event_type = ${AUTH_EVENTS.loginFailed} and created_at > now() - ${FAILED_WINDOW}::interval)::int`.as(
        'failed',
      ),
    ])
    .where('actor_id', '=', userId)
    .where('event_type', 'in', [AUTH_EVENTS.login, AUTH_EVENTS.loginFailed])
    .executeTakeFirstOrThrow();
  const reasons: SuspicionReason[] = [];
  if (row.logins > 0 && row.from_here === 0) reasons.push('NEW_ADDRESS');
  if (row.failed >= FAILED_ATTEMPTS_THRESHOLD) reasons.push('AFTER_FAILED_ATTEMPTS');
  return reasons;
}

export async function recordSuspiciousLogin(
  db: Kysely<Database>,
  userId: string,
  reasons: SuspicionReason[],
  ip: string | null,
  userAgent: string | null,
): Promise<void> {
  await writeAuthAudit(db, {
    userId,
    eventType: AUTH_EVENTS.suspiciousLogin,
    ip,
    metadata: {
      notification: 'SUSPICIOUS_LOGIN',
      channel: 'EMAIL',
      reasons,
      user_agent: userAgent?.slice(0, 256) ?? null,
    },
  });
}
