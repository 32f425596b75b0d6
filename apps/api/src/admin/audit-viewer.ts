/**
 * @module The audit log viewer (docs/api/ADDITIONS.md `GET /api/v1/admin/audit-events`;
 * DB_SCHEMA §19 "View audit log (all users)" / "(own actions only)"). Newest first, keyset
 * paginated by `created_at`.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '@iama/db';
import type { AdminAuditQuery, AdminAuditResponse } from '@iama/contracts';

export async function listAuditEvents(
  db: Kysely<Database>,
  query: AdminAuditQuery,
  ownAdminId: string | null,
): Promise<AdminAuditResponse> {
  let q = db
    .selectFrom('audit_events')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit + 1);
  if (ownAdminId) q = q.where(sql<boolean>`metadata->>'admin_id' = ${ownAdminId}`);
  if (query.user_id)
    q = q.where((eb) =>
      eb.or([
        eb('actor_id', '=', query.user_id!),
        eb(sql<string>`metadata->>'target_user_id'`, '=', query.user_id!),
      ]),
    );
  if (query.job_id) q = q.where('job_id', '=', query.job_id);
  if (query.event_type) q = q.where('event_type', '=', query.event_type);
  if (query.before) q = q.where('created_at', '<', new Date(query.before));
  const rows = await q.execute();
  const page = rows.slice(0, query.limit);
  return {
    events: page.map((r) => {
      const metadata = (
        r.metadata && typeof r.metadata === 'object' && !Array.isArray(r.metadata) ? r.metadata : {}
      ) as Record<string, unknown>;
      return {
        audit_event_id: r.id,
        event_type: r.event_type,
        actor_user_id: r.actor_id,
        actor_admin_id: typeof metadata.admin_id === 'string' ? metadata.admin_id : null,
        job_id: r.job_id,
        old_state: r.old_state,
        new_state: r.new_state,
        surface: r.surface,
        metadata,
        created_at: r.created_at.toISOString(),
      };
    }),
    next_before: rows.length > query.limit ? page[page.length - 1]!.created_at.toISOString() : null,
  };
}
