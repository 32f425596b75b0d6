/**
 * DB_SCHEMA.md §2-§19 conformance (issue #2): the migrations produce exactly the tables,
 * columns, types, nullability, defaults, primary keys, uniques, checks, foreign keys and
 * indexes of the specification's own SQL (schema/db-schema.json), plus the recorded additions;
 * down empties the schema; up again restores it.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { readCatalog, diffCatalogs, type SchemaCatalog } from '../src/catalog';
import { connectClient } from '../src/connect';
import { migrate } from '../src/migrate';
import { DATABASE_TYPES, SPEC_SCHEMA_JSON, SPEC_SCHEMA_PATH } from '../src/paths';
import { extractSpecSql, renderCatalog } from '../src/spec-schema';
import { renderDatabaseTypes } from '../src/types-codegen';
import { requireTestStack } from '@iama/devstack';
import { withScratchDatabase } from './helpers';

/** Tables added beside the specification (docs/db/ADDITIONS.md). */
const ADDITIONS = ['refresh_tokens'];
const spec: SchemaCatalog = JSON.parse(readFileSync(SPEC_SCHEMA_JSON, 'utf8'));

async function catalogOf(url: string): Promise<SchemaCatalog> {
  const client = await connectClient(url);
  try {
    return await readCatalog(client);
  } finally {
    await client.end();
  }
}

const withoutAdditions = (c: SchemaCatalog): SchemaCatalog => ({
  tables: Object.fromEntries(Object.entries(c.tables).filter(([t]) => !ADDITIONS.includes(t))),
});

describe('DB_SCHEMA §2-§19 conformance (issue #2)', () => {
  it('the rendering holds all 44 tables of the specification', () => {
    assert.equal(Object.keys(spec.tables).length, 44);
    assert.ok(spec.tables.refactor_jobs && spec.tables.admin_sessions && spec.tables.merge_assist_records);
  });

  it('up → live catalog equals the specification; down → empty; up again → equal', async () => {
    await withScratchDatabase(async (url) => {
      await migrate(url, { direction: 'up' });
      assert.deepEqual(diffCatalogs(spec, withoutAdditions(await catalogOf(url))), []);

      await migrate(url, { direction: 'down', steps: Infinity });
      assert.deepEqual(Object.keys((await catalogOf(url)).tables), [], 'only schema_migrations remains');

      await migrate(url, { direction: 'up' });
      assert.deepEqual(diffCatalogs(spec, withoutAdditions(await catalogOf(url))), []);
    });
  });

  it('invariant 18 addition: refresh_tokens holds hashed, rotating, revocable tokens per user', async () => {
    await withScratchDatabase(async (url) => {
      await migrate(url, { direction: 'up' });
      const t = (await catalogOf(url)).tables.refresh_tokens!;
      assert.deepEqual(Object.keys(t.columns), ['id', 'user_id', 'token_hash', 'family_id', 'replaced_by', 'expires_at', 'revoked_at', 'created_at']);
      assert.deepEqual(t.uniques, [['token_hash']]);
      assert.deepEqual(t.foreignKeys.map((f) => f.references).sort(), ['refresh_tokens', 'users']);
    });
  });

  it('the constraints are live: a check, a unique and a foreign key each refuse bad rows', async () => {
    await withScratchDatabase(async (url) => {
      await migrate(url, { direction: 'up' });
      const client = await connectClient(url);
      try {
        const user = await client.query<{ id: string }>(`insert into users (email) values ('a@example.test') returning id`);
        await assert.rejects(client.query(`insert into users (email) values ('a@example.test')`), { code: '23505' });
        await assert.rejects(
          client.query(
            `insert into subscription_tiers (user_id, tier, status, context_cap, operating_mode, billing_cycle_start, billing_cycle_end)
             values ($1, 'GOLD', 'ACTIVE', 1, 'SIMPLE', now(), now())`,
            [user.rows[0]!.id],
          ),
          { code: '23514' },
        );
        await assert.rejects(client.query(`insert into projects (owner_id, name) values (gen_random_uuid(), 'p')`), { code: '23503' });
      } finally {
        await client.end();
      }
    });
  });

  it('the generated Kysely types are current with the migrations', async () => {
    await withScratchDatabase(async (url) => {
      await migrate(url, { direction: 'up' });
      assert.equal(readFileSync(DATABASE_TYPES, 'utf8'), renderDatabaseTypes(await catalogOf(url)), 'run `npm run db:types`');
    });
  });

  it('the rendering is current with DB_SCHEMA.md', async (t) => {
    if (!existsSync(SPEC_SCHEMA_PATH)) return t.skip('specification not checked out beside the repository');
    const fresh = await renderCatalog(requireTestStack().databaseUrl, extractSpecSql(readFileSync(SPEC_SCHEMA_PATH, 'utf8')));
    assert.deepEqual(fresh, spec, 'run `npm run db:render-schema`');
  });
});
