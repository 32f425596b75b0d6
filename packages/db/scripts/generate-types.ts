/**
 * Regenerates src/database.ts (the Kysely `Database` type) from the catalog of a database
 * migrated to the latest version: the migrations are the source, the types follow.
 */
import { writeFileSync } from 'node:fs';
import { connectClient } from '../src/connect';
import { readCatalog } from '../src/catalog';
import { DATABASE_TYPES } from '../src/paths';
import { renderDatabaseTypes } from '../src/types-codegen';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('generate-types: DATABASE_URL is not set (a migrated database)');
  process.exitCode = 1;
} else {
  const client = await connectClient(url);
  try {
    writeFileSync(DATABASE_TYPES, renderDatabaseTypes(await readCatalog(client)));
  } finally {
    await client.end();
  }
  console.log(`generate-types: wrote ${DATABASE_TYPES}`);
}
