/**
 * @module The dynamic config store (V1-FR-OPS-001; API_CONTRACT §6 `GET/PUT /admin/config`;
 * DB_SCHEMA §8, §8.1, invariants 19-20): reads are masked, writes are validated against the
 * contracts schemas, authorised per key (§19), audited, and take effect at once (readers query
 * the table; nothing caches it).
 */
import type { Kysely } from 'kysely';
import type { Database, JsonValue } from '@iama/db';
import type { ConfigListResponse, PutConfigRequest, PutConfigResponse } from '@iama/contracts';
import { ApiError } from '../errors';
import { writeAdminAudit } from './audit';
import { configKeySpec, MASK, maskConfigValue } from './config-keys';
import { can, requiredRole } from './rbac';
import type { AdminSession } from './sessions';

/** Reads a stored value; `undefined` when the key has no row (the §8.1 default applies). */
export async function readConfigValue(
  db: Kysely<Database>,
  key: string,
): Promise<JsonValue | undefined> {
  const row = await db
    .selectFrom('dynamic_configs')
    .select('config_value')
    .where('config_key', '=', key)
    .executeTakeFirst();
  return row?.config_value;
}

export async function listConfig(db: Kysely<Database>): Promise<ConfigListResponse> {
  const rows = await db
    .selectFrom('dynamic_configs as d')
    .leftJoin('admin_accounts as a', 'a.id', 'd.updated_by')
    .select(['d.config_key', 'd.config_value', 'd.scope', 'd.effective_at', 'd.reason', 'a.email'])
    .orderBy('d.config_key')
    .execute();
  return {
    entries: rows.map((r) => ({
      key: r.config_key,
      value: maskConfigValue(r.config_key, r.config_value),
      scope: r.scope as 'GLOBAL' | 'ORG' | 'USER',
      updated_at: r.effective_at.toISOString(),
      // Rows written outside the operator API (e.g. the dev stack's seeded routes) have no admin.
      updated_by: r.email ?? 'system',
      reason: r.reason ?? '',
    })),
  };
}

const isObject = (v: unknown): v is Record<string, JsonValue> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function invalid(
  key: string,
  message: string,
  issues?: { path: string; message: string }[],
): ApiError {
  return new ApiError('VALIDATION_FAILED', `invalid value for ${key}: ${message}`, {
    part: 'body',
    key,
    ...(issues ? { issues } : {}),
  });
}

function roleInsufficient(
  permission: Parameters<typeof requiredRole>[0],
  message: string,
): ApiError {
  return new ApiError(
    'ROLE_INSUFFICIENT',
    message,
    { permission },
    { required_role: requiredRole(permission) },
  );
}

export async function putConfig(
  db: Kysely<Database>,
  admin: AdminSession,
  key: string,
  body: PutConfigRequest,
  ip: string | null,
): Promise<PutConfigResponse> {
  const spec = configKeySpec(key);
  if (!spec) throw invalid(key, 'not a key of the config namespace (DB_SCHEMA §8.1)');
  if (!can(admin.role, spec.permission)) {
    throw roleInsufficient(
      spec.permission,
      spec.kind === 'route_secret'
        ? 'api_key_ref keys require SUPER_ADMIN'
        : `${key} requires ${requiredRole(spec.permission)}`,
    );
  }
  return db.transaction().execute(async (trx) => {
    const targetKey = spec.routeKey ?? key;
    const current = await trx
      .selectFrom('dynamic_configs')
      .select(['config_value'])
      .where('config_key', '=', targetKey)
      .forUpdate()
      .executeTakeFirst();
    let value: unknown = body.value;

    if (spec.kind === 'route') {
      // GET shows "***"; sending it back keeps the stored reference, so ENGINEER can edit routes.
      const stored = isObject(current?.config_value) ? current.config_value.api_key_ref : undefined;
      if (isObject(value) && value.api_key_ref === MASK) {
        if (typeof stored !== 'string')
          throw invalid(
            key,
            'api_key_ref is "***" but no reference is stored yet; a SUPER_ADMIN must set it',
          );
        value = { ...value, api_key_ref: stored };
      } else if (
        isObject(value) &&
        value.api_key_ref !== stored &&
        !can(admin.role, 'config.api_key_ref.write')
      ) {
        throw roleInsufficient('config.api_key_ref.write', 'api_key_ref keys require SUPER_ADMIN');
      }
    }
    const parsed = spec.schema.safeParse(value);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({
        path: i.path.map(String).join('.'),
        message: i.message,
      }));
      throw invalid(key, issues[0]?.message ?? 'invalid', issues);
    }
    let stored = parsed.data as JsonValue;
    if (spec.kind === 'route_secret') {
      if (!isObject(current?.config_value))
        throw invalid(key, `${targetKey} has no route yet; write the route first`);
      stored = { ...current.config_value, api_key_ref: stored };
    }

    const now = new Date();
    await trx
      .insertInto('dynamic_configs')
      .values({
        config_key: targetKey,
        config_value: JSON.stringify(stored),
        scope: 'GLOBAL',
        updated_by: admin.adminId,
        reason: body.reason,
        effective_at: now,
      })
      .onConflict((oc) =>
        oc.column('config_key').doUpdateSet({
          config_value: JSON.stringify(stored),
          updated_by: admin.adminId,
          reason: body.reason,
          effective_at: now,
        }),
      )
      .execute();
    const oldMasked = current ? maskConfigValue(key, current.config_value) : null;
    const newMasked = maskConfigValue(key, stored);
    const auditEventId = await writeAdminAudit(trx, {
      actor: { adminId: admin.adminId, role: admin.role },
      eventType: 'admin.config_updated',
      oldState: oldMasked === null ? null : JSON.stringify(oldMasked),
      newState: JSON.stringify(newMasked),
      ip,
      metadata: { key, stored_key: targetKey, reason: body.reason },
    });
    return { key, effective_at: now.toISOString(), audit_event_id: auditEventId };
  });
}
