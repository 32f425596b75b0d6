/**
 * @module The route table from `dynamic_configs` (DB_SCHEMA §8 and §8.1 `model.l1|l2|l3`,
 * V1-FR-ROUTE-004, V1-FR-OPS-001, ADR-002 "reloadable without redeploy"): a
 * {@link RouteTableSource} the router's `RouteTable` re-reads after its TTL or on
 * `invalidateRoutes()`. A row that fails `modelRouteConfigSchema` makes the load fail, so the
 * router keeps serving the last good table instead of a half-valid one.
 */
import type { Kysely } from 'kysely';
import type { Database, JsonObject } from '@iama/db';
import {
  LLM_MODEL_CLASSES,
  modelRouteConfigSchema,
  modelRouteKey,
  type ModelClass,
  type ModelRoutes,
} from '@iama/contracts';
import type { RouteTableSource } from '../ports';

const ROUTE_KEYS = new Map<string, ModelClass>(
  LLM_MODEL_CLASSES.map((cls) => [modelRouteKey(cls), cls]),
);

export class RouteConfigError extends Error {
  override readonly name = 'RouteConfigError';
}

/**
 * @example createRouter({ …, routes: dynamicConfigRoutes(db) })
 */
export function dynamicConfigRoutes(db: Kysely<Database>): RouteTableSource {
  return {
    async load() {
      const rows = await db
        .selectFrom('dynamic_configs')
        .select(['config_key', 'config_value'])
        .where('config_key', 'in', [...ROUTE_KEYS.keys()])
        .where('scope', '=', 'GLOBAL')
        .execute();
      const routes: ModelRoutes = {};
      for (const row of rows) {
        const parsed = modelRouteConfigSchema.safeParse(row.config_value);
        // Names the key and the failing fields, never the value (it holds a secret reference).
        if (!parsed.success)
          throw new RouteConfigError(
            `dynamic_configs ${row.config_key} is not a valid route: ${parsed.error.issues.map((i) => i.path.join('.') || '(value)').join(', ')}`,
          );
        routes[ROUTE_KEYS.get(row.config_key)!] = parsed.data;
      }
      return routes;
    },
  };
}

/**
 * Bootstrap seeding (ADR-002 action item 7): writes `model.l1|l2|l3` for the classes that have no
 * row yet and never overwrites an operator's value. Returns the keys it wrote.
 * @example await seedModelRoutes(db, fixtureRoutes(fixtureUrl)) // ['model.l1', 'model.l2', 'model.l3'] on an empty table
 */
export async function seedModelRoutes(
  db: Kysely<Database>,
  routes: ModelRoutes,
  reason = 'bootstrap seed',
): Promise<string[]> {
  const values = (
    Object.entries(routes) as [ModelClass, NonNullable<ModelRoutes[ModelClass]>][]
  ).map(([cls, cfg]) => ({
    config_key: modelRouteKey(cls),
    config_value: modelRouteConfigSchema.parse(cfg) as JsonObject,
    reason,
  }));
  if (values.length === 0) return [];
  const written = await db
    .insertInto('dynamic_configs')
    .values(values)
    .onConflict((oc) => oc.column('config_key').doNothing())
    .returning('config_key')
    .execute();
  return written.map((r) => r.config_key);
}
