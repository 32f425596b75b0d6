/**
 * @module The organisation policies a user falls under (DB_SCHEMA §12 `organizations`):
 * Zero Telemetry Mode (V1-FR-ANA-005) and the support payload mode (V1-FR-SUP-005). A user
 * belongs to the organisations they own and those of their teams; the strictest setting wins.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '@iama/db';

export type OrgPolicy = {
  /** Any of the user's organisations has Zero Telemetry Mode on. */
  zeroTelemetry: boolean;
  /** `WITH_CONTEXT` only when every organisation of the user allows it; `null` outside any organisation. */
  supportPayloadMode: 'METADATA_ONLY' | 'WITH_CONTEXT' | null;
};

export async function orgPolicy(db: Kysely<Database>, userId: string): Promise<OrgPolicy> {
  const rows = await db
    .selectFrom('organizations as o')
    .select(['o.zero_telemetry_mode', 'o.support_payload_mode'])
    .where((eb) =>
      eb.or([
        eb('o.owner_id', '=', userId),
        eb.exists(
          eb
            .selectFrom('team_member_roles as m')
            .innerJoin('teams as t', 't.id', 'm.team_id')
            .select(sql<number>`1`.as('one'))
            .whereRef('t.org_id', '=', 'o.id')
            .where('m.user_id', '=', userId),
        ),
      ]),
    )
    .execute();
  if (rows.length === 0) return { zeroTelemetry: false, supportPayloadMode: null };
  return {
    zeroTelemetry: rows.some((r) => r.zero_telemetry_mode),
    supportPayloadMode: rows.every((r) => r.support_payload_mode === 'WITH_CONTEXT')
      ? 'WITH_CONTEXT'
      : 'METADATA_ONLY',
  };
}
