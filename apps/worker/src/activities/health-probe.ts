/** @module Activity behind the health probe: the only place the probe touches the database. */
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';

export const HEALTH_PROBE_EVENT = 'system.health_probe';

export function createHealthProbeActivities(db: Kysely<Database>) {
  return {
    /** Inserts the probe's audit event (idempotent per probe id, so a retried activity writes once). */
    async recordHealthProbe(probeId: string): Promise<string> {
      const existing = await db
        .selectFrom('audit_events')
        .select('id')
        .where('event_type', '=', HEALTH_PROBE_EVENT)
        .where('metadata', '@>', JSON.stringify({ probe_id: probeId }))
        .executeTakeFirst();
      if (existing) return existing.id;
      const row = await db
        .insertInto('audit_events')
        .values({ event_type: HEALTH_PROBE_EVENT, surface: 'SYSTEM', metadata: JSON.stringify({ probe_id: probeId }) })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },
  };
}
