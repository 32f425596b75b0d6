/**
 * @module Which config keys exist (DB_SCHEMA §8.1), who may write each (§19 via `rbac.ts`) and
 * how a value is validated (the contracts zod schemas) and masked on read (§6: every
 * `api_key_ref` is shown as "***" to every role). Pure.
 */
import { z } from 'zod';
import { CONFIG_KEYS, modelRouteConfigSchema } from '@iama/contracts';
import type { JsonValue } from '@iama/db';
import type { AdminPermission } from './rbac';

export const MASK = '***';

/**
 * An `api_key_ref` is a pointer into the secrets manager, never the secret (invariant 19): an
 * `env:NAME` / `os.environ/NAME` reference or a `secrets/…` path. Anything else (e.g. `sk-…`)
 * is refused so a pasted key never reaches the table.
 */
export const secretRefSchema = z
  .string()
  .regex(
    /^(?:env:[A-Z_][A-Z0-9_]*|os\.environ\/[A-Z_][A-Z0-9_]*|(?:file:)?secrets\/[a-z0-9_-]+(?:\/[a-z0-9_.-]+)*)$/,
    'api_key_ref must be a secrets-manager reference (env:NAME, os.environ/NAME or secrets/<path>), never a key',
  )
  .refine((v) => !v.split('/').includes('..'), 'api_key_ref must not leave the secrets root');

const routeSchema = modelRouteConfigSchema.extend({ api_key_ref: secretRefSchema });

export type ConfigKeySpec = {
  permission: AdminPermission;
  schema: z.ZodType;
  /** `model.lN`: the stored row keeps its `api_key_ref` unless a SUPER_ADMIN changes it. */
  kind: 'route' | 'route_secret' | 'plain';
  /** For `model.lN.api_key_ref`: the row it writes into. */
  routeKey?: string;
};

const MODEL_ROUTE = /^model\.(l1|l2|l3)$/;
const MODEL_SECRET = /^model\.(l1|l2|l3)\.api_key_ref$/;

function plainPermission(key: keyof typeof CONFIG_KEYS): AdminPermission {
  if (key === 'tier_context_caps') return 'config.tier_context_caps.write';
  if (key === 'language_matrix') return 'config.language_matrix.write';
  if (key.startsWith('system.kill_switch.')) return 'kill_switch.global';
  return 'config.feature_flags.write';
}

/**
 * The spec of a writable key, or `null` for a key outside §8.1.
 * @example configKeySpec('model.l2.api_key_ref')?.permission // 'config.api_key_ref.write'
 */
export function configKeySpec(key: string): ConfigKeySpec | null {
  if (MODEL_ROUTE.test(key))
    return { permission: 'config.model_routing.write', schema: routeSchema, kind: 'route' };
  const secret = MODEL_SECRET.exec(key);
  if (secret)
    return {
      permission: 'config.api_key_ref.write',
      schema: secretRefSchema,
      kind: 'route_secret',
      routeKey: `model.${secret[1]}`,
    };
  if (Object.hasOwn(CONFIG_KEYS, key)) {
    const k = key as keyof typeof CONFIG_KEYS;
    return { permission: plainPermission(k), schema: CONFIG_KEYS[k].schema, kind: 'plain' };
  }
  return null;
}

/**
 * A stored value as the config viewer shows it: `api_key_ref` replaced by `MASK`, at any depth.
 * @example maskConfigValue('model.l1', { model_id: 'm', api_key_ref: 'secrets/x' }) // { model_id: 'm', api_key_ref: '***' }
 */
export function maskConfigValue(key: string, value: JsonValue): JsonValue {
  if (key.endsWith('.api_key_ref')) return MASK;
  return maskDeep(value);
}

function maskDeep(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(maskDeep);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === 'api_key_ref' ? MASK : maskDeep(v as JsonValue),
      ]),
    );
  }
  return value;
}
