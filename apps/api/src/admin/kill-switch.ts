/**
 * @module Kill switches (V1-FR-OPS-002; API_CONTRACT §6 `POST /admin/kill-switch`; DB_SCHEMA
 * §8.1 `system.kill_switch.global` / `.reason`). A per-user switch is the row
 * `system.kill_switch.user.<user_id>` (scope `USER`, `scope_id` the user): §8.1 names no key for
 * it and `config_key` is unique. Job creation reads the rows on every request
 * (`activeKillSwitch`), so a change is effective for the next job, well inside 10 s; jobs
 * already running are not touched (in-flight safety policy).
 */
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';
import type { KillSwitchRequest, KillSwitchResponse } from '@iama/contracts';
import { ApiError } from '../errors';
import { writeAdminAudit } from './audit';
import type { AdminSession } from './sessions';

export const GLOBAL_KILL_SWITCH_KEY = 'system.kill_switch.global';
export const GLOBAL_KILL_SWITCH_REASON_KEY = 'system.kill_switch.reason';
export const userKillSwitchKey = (userId: string) => `system.kill_switch.user.${userId}`;

export type ActiveKillSwitch = { scope: 'GLOBAL' | 'USER'; reason: string };

/**
 * The kill switch that blocks a new job of this user, or `null`. For `POST /api/v1/jobs`:
 * deny with `FORBIDDEN` / `denial_reason: KILL_SWITCH_ACTIVE` (docs/api/ADDITIONS.md).
 * @example if (await activeKillSwitch(db, userId)) throw new ApiError('FORBIDDEN', …, undefined, { denial_reason: 'KILL_SWITCH_ACTIVE' });
 */
export async function activeKillSwitch(
  db: Kysely<Database>,
  userId: string,
): Promise<ActiveKillSwitch | null> {
  const rows = await db
    .selectFrom('dynamic_configs')
    .select(['config_key', 'config_value', 'reason'])
    .where('config_key', 'in', [
      GLOBAL_KILL_SWITCH_KEY,
      GLOBAL_KILL_SWITCH_REASON_KEY,
      userKillSwitchKey(userId),
    ])
    .execute();
  const byKey = new Map(rows.map((r) => [r.config_key, r]));
  if (byKey.get(GLOBAL_KILL_SWITCH_KEY)?.config_value === true) {
    const reason = byKey.get(GLOBAL_KILL_SWITCH_REASON_KEY)?.config_value;
    return { scope: 'GLOBAL', reason: typeof reason === 'string' ? reason : '' };
  }
  const user = byKey.get(userKillSwitchKey(userId));
  if (user?.config_value === true) return { scope: 'USER', reason: user.reason ?? '' };
  return null;
}

export async function globalKillSwitchActive(db: Kysely<Database>): Promise<boolean> {
  const row = await db
    .selectFrom('dynamic_configs')
    .select('config_value')
    .where('config_key', '=', GLOBAL_KILL_SWITCH_KEY)
    .executeTakeFirst();
  return row?.config_value === true;
}

/** Flips a switch; the caller has already checked the scope's permission. */
export async function setKillSwitch(
  db: Kysely<Database>,
  admin: AdminSession,
  body: KillSwitchRequest,
  ip: string | null,
): Promise<KillSwitchResponse> {
  const active = body.action === 'ENABLE';
  const now = new Date();
  return db.transaction().execute(async (trx) => {
    if (body.scope === 'USER') {
      const user = await trx
        .selectFrom('users')
        .select('id')
        .where('id', '=', body.user_id!)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (!user) throw new ApiError('NOT_FOUND', 'No user with this id');
    }
    const key = body.scope === 'GLOBAL' ? GLOBAL_KILL_SWITCH_KEY : userKillSwitchKey(body.user_id!);
    const before = await trx
      .selectFrom('dynamic_configs')
      .select('config_value')
      .where('config_key', '=', key)
      .forUpdate()
      .executeTakeFirst();
    const upsert = (
      configKey: string,
      value: unknown,
      scope: 'GLOBAL' | 'USER',
      scopeId: string | null,
    ) =>
      trx
        .insertInto('dynamic_configs')
        .values({
          config_key: configKey,
          config_value: JSON.stringify(value),
          scope,
          scope_id: scopeId,
          updated_by: admin.adminId,
          reason: body.reason,
          effective_at: now,
        })
        .onConflict((oc) =>
          oc.column('config_key').doUpdateSet({
            config_value: JSON.stringify(value),
            updated_by: admin.adminId,
            reason: body.reason,
            effective_at: now,
          }),
        )
        .execute();
    if (body.scope === 'GLOBAL') {
      await upsert(GLOBAL_KILL_SWITCH_KEY, active, 'GLOBAL', null);
      await upsert(GLOBAL_KILL_SWITCH_REASON_KEY, body.reason, 'GLOBAL', null);
    } else {
      await upsert(key, active, 'USER', body.user_id!);
    }
    const auditEventId = await writeAdminAudit(trx, {
      actor: { adminId: admin.adminId, role: admin.role },
      eventType: 'admin.kill_switch',
      oldState: before?.config_value === true ? 'ACTIVE' : 'INACTIVE',
      newState: active ? 'ACTIVE' : 'INACTIVE',
      targetUserId: body.scope === 'USER' ? body.user_id! : null,
      ip,
      metadata: { scope: body.scope, action: body.action, reason: body.reason },
    });
    return { effective_at: now.toISOString(), audit_event_id: auditEventId };
  });
}
