/**
 * @module Reading DB_SCHEMA.md (issue #2; DB_SCHEMA §2-§19): statement extraction with
 * sections, forward references resolved by retry (§8 → §19), and the render script's behaviour
 * when the document is absent or its SQL is broken.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { extractSpecSql, renderCatalog } from '../src/spec-schema';
import { stopTestServer, testServerUrl } from './helpers';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FENCE = '```';

const DOC = [
  '## 2. Core',
  `${FENCE}sql`,
  'CREATE TABLE a (',
  '    id   UUID PRIMARY KEY DEFAULT gen_random_uuid(),',
  "    note TEXT DEFAULT 'x -- not a comment?' -- a comment; with a semicolon",
  ');',
  'CREATE INDEX ON a (id);',
  FENCE,
  '> a note with a stray fence',
  FENCE,
  '## 8. Config',
  `${FENCE}sql`,
  'CREATE TABLE b (id UUID PRIMARY KEY, admin UUID REFERENCES c(id));',
  FENCE,
  '## 19. Admin',
  `${FENCE}sql`,
  'CREATE TABLE c (id UUID PRIMARY KEY);',
  FENCE,
].join('\n');

void describe('DB_SCHEMA.md rendering (issue #2)', () => {
  after(stopTestServer);

  void it('extracts CREATE statements with their § section, without SQL comments but with literals intact', () => {
    const statements = extractSpecSql(DOC);
    assert.deepEqual(
      statements.map((s) => `${s.section} ${s.sql.split('\n')[0]}`),
      ['§2 CREATE TABLE a (', '§2 CREATE INDEX ON a (id)', '§8 CREATE TABLE b (id UUID PRIMARY KEY, admin UUID REFERENCES c(id))', '§19 CREATE TABLE c (id UUID PRIMARY KEY)'],
    );
    assert.ok(!statements[0]!.sql.includes('semicolon'));
    assert.ok(statements[0]!.sql.includes("DEFAULT 'x -- not a comment?'"));
  });

  void it('failure path: a statement that is not CREATE TABLE/INDEX, or lacks its semicolon, is an error naming the section', () => {
    assert.throws(() => extractSpecSql(`## 3. X\n${FENCE}sql\nDROP TABLE users;\n${FENCE}`), { message: 'DB_SCHEMA.md §3: unexpected statement: DROP TABLE users' });
    assert.throws(() => extractSpecSql(`## 4. Y\n${FENCE}sql\nCREATE TABLE t (id int)\n${FENCE}`), { message: /^DB_SCHEMA.md §4: statement without a closing semicolon/ });
  });

  void it('DB_SCHEMA §8 → §19: a forward reference is resolved by retrying; tables carry their section', async () => {
    const catalog = await renderCatalog(await testServerUrl(), extractSpecSql(DOC));
    assert.deepEqual(Object.keys(catalog.tables).sort(), ['a', 'b', 'c']);
    assert.equal(catalog.tables.b!.section, '§8');
    assert.equal(catalog.tables.a!.columns.find((c) => c.name === 'note')?.default, "'x -- not a comment?'::text", 'a -- inside a literal is not a comment');
    assert.deepEqual(catalog.tables.b!.foreignKeys.map((f) => f.references), ['c']);
  });

  void it('failure path: SQL the server rejects fails the rendering with the section and statement', async () => {
    const broken = `## 5. Z\n${FENCE}sql\nCREATE TABLE z (id UUID PRIMARY KEY, n INTEGR);\n${FENCE}`;
    await assert.rejects(renderCatalog(await testServerUrl(), extractSpecSql(broken)), {
      message: 'DB_SCHEMA.md §5: type "integr" does not exist in: CREATE TABLE z (id UUID PRIMARY KEY, n INTEGR)',
    });
  });

  void it('npm run db:render-schema skips with a message when DB_SCHEMA.md is absent, and --check fails on a stale rendering', async () => {
    const env = { ...process.env, IAMA_DB_SCHEMA_MD: '/nonexistent/DB_SCHEMA.md' };
    const skipped = spawnSync(process.execPath, ['--import', 'tsx', 'packages/db/scripts/render-schema.ts'], { cwd: REPO_ROOT, env, encoding: 'utf8' });
    assert.equal(skipped.status, 0);
    assert.equal(skipped.stdout.trim(), 'render-schema: /nonexistent/DB_SCHEMA.md not found (the specification is not checked out beside the repository); skipped');

    const dir = mkdtempSync(join(tmpdir(), 'iama-spec-'));
    try {
      writeFileSync(join(dir, 'DB_SCHEMA.md'), DOC);
      const stale = spawnSync(process.execPath, ['--import', 'tsx', 'packages/db/scripts/render-schema.ts', '--check'], {
        cwd: REPO_ROOT,
        env: { ...process.env, IAMA_DB_SCHEMA_MD: join(dir, 'DB_SCHEMA.md'), DATABASE_URL: await testServerUrl() },
        encoding: 'utf8',
      });
      assert.equal(stale.status, 1, stale.stderr);
      assert.equal(stale.stdout.trim(), 'render-schema: db-schema.json is stale; run `npm run db:render-schema`');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
