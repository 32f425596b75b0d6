/**
 * @module The operator config key namespace (DB_SCHEMA §8.1) as typed, validated values.
 * `dynamic_configs.config_value` is JSONB; everything that reads or writes it goes through
 * these schemas.
 */
import { z } from 'zod';
import type { ModelClass } from '../tiers/model-class';

/** `model.l1|l2|l3` (DB_SCHEMA §8.1). `api_key_ref` names a secret; it is never the secret. */
export const modelRouteConfigSchema = z.strictObject({
  model_id: z.string().min(1),
  api_base_url: z.url(),
  api_key_ref: z.string().min(1),
  output_token_limit: z.int().positive(),
  enabled: z.boolean(),
});
export type ModelRouteConfig = z.infer<typeof modelRouteConfigSchema>;

/**
 * The config key of a model class's route.
 * @example modelRouteKey('L2') // 'model.l2'
 */
export const modelRouteKey = (modelClass: ModelClass) => `model.${modelClass.toLowerCase()}` as `model.${Lowercase<ModelClass>}`;

export const tierContextCapsSchema = z.strictObject({
  FREE: z.int().positive(),
  PLUS: z.int().positive(),
  PRO: z.int().positive(),
  MAX: z.int().positive(),
  ENTERPRISE: z.int().positive(),
});

/** Every other key of §8.1 with its value schema and default. */
export const CONFIG_KEYS = {
  tier_context_caps: { schema: tierContextCapsSchema, default: { FREE: 128_000, PLUS: 128_000, PRO: 200_000, MAX: 200_000, ENTERPRISE: 1_000_000 } },
  'feature.black_box_orchestration': { schema: z.boolean(), default: false },
  'feature.cross_ecosystem_v1x': { schema: z.boolean(), default: false },
  'feature.enterprise_trial_provisioning': { schema: z.boolean(), default: true },
  'feature.baseline_ast_confidence_threshold': { schema: z.number().min(0).max(100), default: 40 },
  'system.kill_switch.global': { schema: z.boolean(), default: false },
  'system.kill_switch.reason': { schema: z.string(), default: '' },
  language_matrix: {
    schema: z.strictObject({
      approved_pairs: z.array(z.strictObject({ source: z.string(), target: z.string(), mode: z.string() })),
      version: z.string(),
    }),
    default: { approved_pairs: [], version: '0' },
  },
} as const;


/** The configured routes by class; a class without a row has no route. */
export type ModelRoutes = Partial<Record<ModelClass, ModelRouteConfig>>;
