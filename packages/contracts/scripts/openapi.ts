/**
 * @module Writes docs/api/openapi.json from ENDPOINTS (`npm run openapi`), or with `--check`
 * fails when the committed file is stale (`npm run openapi:check`, used by CI).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from '../src/api/openapi';

export const OPENAPI_PATH = fileURLToPath(
  new URL('../../../docs/api/openapi.json', import.meta.url),
);

/** The exact bytes the committed file must have. */
export function renderOpenApi(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}

async function main(): Promise<void> {
  const rendered = renderOpenApi();
  if (process.argv.includes('--check')) {
    const committed = await readFile(OPENAPI_PATH, 'utf8').catch(() => null);
    if (committed !== rendered) {
      console.error(
        `docs/api/openapi.json is ${committed === null ? 'missing' : 'out of date'}; run npm run openapi`,
      );
      process.exit(1);
    }
    return;
  }
  await writeFile(OPENAPI_PATH, rendered);
  console.log(`wrote ${OPENAPI_PATH}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
