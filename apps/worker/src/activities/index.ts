/** @module Activity factory: the worker entry point builds the dependencies, activities stay plain functions. */
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';
import { createHealthProbeActivities } from './health-probe';

export type ActivityDeps = { db: Kysely<Database> };

export function createActivities(deps: ActivityDeps) {
  return { ...createHealthProbeActivities(deps.db) };
}

export type Activities = ReturnType<typeof createActivities>;
