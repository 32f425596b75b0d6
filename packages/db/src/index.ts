/** @module @iama/db: migrations, the typed query layer, the embedded PostgreSQL helper (issue #2; ARCHITECTURE D4). */
export { createDb, type Db } from './create-db';
export type * from './database';
export { connectClient, DatabaseUnreachableError, describeTarget, waitForDatabase } from './connect';
export { EmbeddedPostgresError, freePort, isPortFree, startEmbeddedPostgres, type EmbeddedPostgresOptions, type RunningPostgres } from './embedded';
export {
  loadMigrations,
  migrate,
  migrationStatus,
  MigrationError,
  MIGRATIONS_DIR,
  type MigrateOptions,
  type MigrateResult,
  type Migration,
  type MigrationStatus,
} from './migrate';
export { diffCatalogs, readCatalog, type SchemaCatalog, type TableShape } from './catalog';
export { extractSpecSql, renderCatalog, type SpecStatement } from './spec-schema';
export { migratedCatalog, startTemporaryPostgres, withDatabase, withPostgresServer, withScratchDatabase } from './scratch';
