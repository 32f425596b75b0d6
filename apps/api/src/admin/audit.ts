/**
 * @module The audit row of an operator action (V1-FR-OBS-001, V1-FR-OPS-001..004; issue #5
 * "every admin action is audited"). `audit_events.actor_id` references `users`, and admins are
 * never users (DB_SCHEMA §20 invariant 18), so the admin is recorded in `metadata.admin_id`
 * with `actor_id` null; the affected user, when there is one, is `metadata.target_user_id`.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, JsonObject, JsonValue } from '@iama/db';
import type { AdminRole } from '@iama/contracts';

export type AdminActor = { adminId: string; role: AdminRole };

export type AdminAuditInput = {
  /** `null` for actions of the system itself (bootstrap) or of an unknown caller (failed login). */
  actor: AdminActor | null;
  eventType: string;
  oldState?: string | null;
  newState?: string | null;
  targetUserId?: string | null;
  metadata?: JsonObject;
  ip?: string | null;
};

/** Event types of the operator surface; the viewer filters on the `admin.` prefix. */
export const ADMIN_EVENT_PREFIX = 'admin.';

/** Inserts the row and returns its id (the `audit_event_id` of §6 responses). */
export async function writeAdminAudit(
  db: Kysely<Database> | Transaction<Database>,
  input: AdminAuditInput,
): Promise<string> {
  const metadata: Record<string, JsonValue> = { ...(input.metadata ?? {}) };
  if (input.actor) {
    metadata.admin_id = input.actor.adminId;
    metadata.admin_role = input.actor.role;
  }
  if (input.targetUserId) metadata.target_user_id = input.targetUserId;
  const row = await db
    .insertInto('audit_events')
    .values({
      actor_id: null,
      event_type: input.eventType,
      old_state: input.oldState ?? null,
      new_state: input.newState ?? null,
      metadata,
      ip_address: validIp(input.ip),
      surface: input.actor ? 'API' : 'SYSTEM',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

// `ip_address` is INET; Fastify's `req.ip` is always an address, but a bad value must not lose the row.
function validIp(ip: string | null | undefined): string | null {
  if (!ip) return null;
  return /^[0-9a-fA-F:.]+$/.test(ip) ? ip : null;
}
