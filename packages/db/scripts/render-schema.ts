/**
 * Regenerates schema/db-schema.json from ../shared/spec/DEV/DB_SCHEMA.md (see src/spec-schema.ts)
 * on the PostgreSQL server of DATABASE_URL (a scratch database is created and dropped).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { SPEC_SCHEMA_JSON, SPEC_SCHEMA_PATH } from '../src/paths';
import { extractSpecSql, renderCatalog } from '../src/spec-schema';

const url = process.env.DATABASE_URL;
if (!existsSync(SPEC_SCHEMA_PATH)) {
  console.log(`render-schema: ${SPEC_SCHEMA_PATH} not found; skipped`);
} else if (!url) {
  console.error('render-schema: DATABASE_URL is not set (any PostgreSQL server; e.g. the one `npm run dev` prints)');
  process.exitCode = 1;
} else {
  const catalog = await renderCatalog(url, extractSpecSql(readFileSync(SPEC_SCHEMA_PATH, 'utf8')));
  writeFileSync(SPEC_SCHEMA_JSON, `${JSON.stringify(catalog, null, 2)}\n`);
  console.log(`render-schema: ${Object.keys(catalog.tables).length} tables → ${SPEC_SCHEMA_JSON}`);
}
