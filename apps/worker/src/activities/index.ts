/** @module Activity factory: the worker entry point builds the dependencies, activities stay plain functions. */
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';
import { createHealthProbeActivities } from './health-probe';
import { createQuotaRefreshActivities } from './quota-refresh';
import { createRefactorJobActivities, type RefactorJobDeps } from './refactor-job';

export type ActivityDeps = { db: Kysely<Database> } & Omit<RefactorJobDeps, 'db'>;

export function createActivities(deps: ActivityDeps) {
  return {
    ...createHealthProbeActivities(deps.db),
    ...createQuotaRefreshActivities(deps.db),
    ...createRefactorJobActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
