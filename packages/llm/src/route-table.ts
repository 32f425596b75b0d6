/**
 * @module The route table (DB_SCHEMA §8.1 `model.l1|l2|l3`, V1-FR-ROUTE-004, ADR-002 "reloadable
 * without redeploy"): loaded from a {@link RouteTableSource}, kept for `ttlMs`, reloaded on
 * the next call after that (or at once after `invalidate()`), so an operator's change applies
 * without a restart. A failed reload keeps serving the last good table.
 */
import {
  modelRouteConfigSchema,
  type ModelClass,
  type ModelRouteConfig,
  type ModelRoutes,
} from '@iama/contracts';
import { RouterError } from './errors';
import type { RouteTableSource } from './ports';

export type ResolvedRoute = { modelClass: ModelClass; alias: string; config: ModelRouteConfig };

export class RouteTable {
  private routes: ModelRoutes | null = null;
  private loadedAt = -Infinity;
  private inflight: Promise<ModelRoutes> | null = null;

  constructor(
    private readonly source: RouteTableSource,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** Forces a reload on the next resolve (admin config change hook). */
  invalidate(): void {
    this.loadedAt = -Infinity;
  }

  /**
   * The enabled route of a class, or `MODEL_ROUTE_UNAVAILABLE`.
   * @example (await table.resolve('L1')).alias // 'l1'
   */
  async resolve(modelClass: ModelClass): Promise<ResolvedRoute> {
    const routes = await this.current();
    const config = routes[modelClass];
    if (!config?.enabled)
      throw new RouterError('MODEL_ROUTE_UNAVAILABLE', `no enabled route for ${modelClass}`, {
        modelClass,
        configured: Boolean(config),
      });
    return { modelClass, alias: modelClass.toLowerCase(), config };
  }

  private async current(): Promise<ModelRoutes> {
    if (this.routes && this.now() - this.loadedAt < this.ttlMs) return this.routes;
    this.inflight ??= this.source
      .load()
      .then((loaded) => {
        const checked: ModelRoutes = {};
        for (const [cls, cfg] of Object.entries(loaded) as [ModelClass, ModelRouteConfig][])
          checked[cls] = modelRouteConfigSchema.parse(cfg);
        this.routes = checked;
        this.loadedAt = this.now();
        return checked;
      })
      .finally(() => {
        this.inflight = null;
      });
    try {
      return await this.inflight;
    } catch (err) {
      if (this.routes) return this.routes;
      throw new RouterError('MODEL_ROUTE_UNAVAILABLE', 'route table could not be loaded', {
        cause: (err as Error).message,
      });
    }
  }
}
