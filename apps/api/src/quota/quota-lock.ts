/** @module The per-user quota lock (SERVICE_ARCHITECTURE §7.1, V1-FR-BIL-004). */
import { sql, type Kysely } from 'kysely';
import type { Database } from '@iama/db';

/**
 * Serializes every quota decision of one user: a transaction-scoped advisory lock, released at
 * commit or rollback, so no lock outlives a crashed request.
 */
export async function lockUserQuota(trx: Kysely<Database>, userId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${quotaLockKey(userId)}))`.execute(trx);
}

/** The advisory-lock key of a user's quota (SERVICE_ARCHITECTURE §7.1 `'quota:' || user_id`). */
export function quotaLockKey(userId: string): string {
  return `quota:${userId}`;
}
