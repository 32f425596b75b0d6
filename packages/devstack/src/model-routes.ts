/**
 * @module The dev stack's model routes: `model.l1|l2|l3` rows of `dynamic_configs` (DB_SCHEMA
 * §8.1). On an empty database they are seeded to point at the fixture model (ARCHITECTURE D7);
 * routes an operator changed to a real provider are never overwritten.
 */
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';
import { LLM_MODEL_CLASSES, modelRouteConfigSchema, modelRouteKey, type ModelClass, type ModelRouteConfig, type ModelRoutes } from '@iama/contracts';

const FIXTURE_MODEL_PREFIX = 'iama-fixture/';
const SEED_REASON = 'dev stack: fixture model stand-in (ARCHITECTURE D7)';

export async function loadModelRoutes(db: Kysely<Database>): Promise<ModelRoutes> {
  const rows = await db
    .selectFrom('dynamic_configs')
    .select(['config_key', 'config_value'])
    .where('config_key', 'in', LLM_MODEL_CLASSES.map(modelRouteKey))
    .where('scope', '=', 'GLOBAL')
    .execute();
  const routes: ModelRoutes = {};
  for (const row of rows) {
    const modelClass = row.config_key.slice('model.'.length).toUpperCase() as ModelClass;
    const parsed = modelRouteConfigSchema.safeParse(row.config_value);
    if (!parsed.success) throw new Error(`dynamic_configs ${row.config_key} is not a valid model route: ${parsed.error.issues[0]?.message}`);
    routes[modelClass] = parsed.data;
  }
  return routes;
}

/**
 * Inserts the fixture routes where no route exists, and re-points existing fixture routes at
 * the fixture model's current address (its port may differ between runs).
 */
export async function seedFixtureRoutes(db: Kysely<Database>, fixture: Record<ModelClass, ModelRouteConfig>): Promise<void> {
  const current = await loadModelRoutes(db);
  for (const modelClass of LLM_MODEL_CLASSES) {
    const existing = current[modelClass];
    if (existing && !existing.model_id.startsWith(FIXTURE_MODEL_PREFIX)) continue;
    const value = JSON.stringify(fixture[modelClass]);
    await db
      .insertInto('dynamic_configs')
      .values({ config_key: modelRouteKey(modelClass), config_value: value, reason: SEED_REASON })
      .onConflict((oc) => oc.column('config_key').doUpdateSet({ config_value: value }))
      .execute();
  }
}
