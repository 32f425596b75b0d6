/** @module @iama/db: migrations, the typed query layer, the embedded PostgreSQL helper. */
export { createDb, type Db } from './create-db';
export type * from './database';
export { connectClient, DatabaseUnreachableError, describeTarget, waitForDatabase } from './connect';
export { startEmbeddedPostgres, type EmbeddedPostgresOptions, type RunningPostgres } from './embedded';
export { loadMigrations, migrate, migrationStatus, MigrationError, MIGRATIONS_DIR, type MigrateOptions, type MigrateResult, type MigrationStatus } from './migrate';
export { diffCatalogs, readCatalog, type SchemaCatalog, type TableShape } from './catalog';
export { extractSpecSql, renderCatalog, withDatabase } from './spec-schema';
