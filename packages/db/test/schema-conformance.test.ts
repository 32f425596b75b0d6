/**
 * @module DB_SCHEMA §2-§19 conformance (issue #2): the migrations produce exactly the tables,
 * columns (type, nullability, default, order), primary keys, uniques, checks, foreign keys and
 * indexes of the specification's own SQL (schema/db-schema.json), plus the additions recorded
 * in docs/db/ADDITIONS.md; down empties the schema; up again restores it.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { diffCatalogs, readCatalog, type SchemaCatalog } from '../src/catalog';
import { connectClient } from '../src/connect';
import { migrate } from '../src/migrate';
import { DATABASE_TYPES, SPEC_SCHEMA_JSON, SPEC_SCHEMA_PATH } from '../src/paths';
import { migratedCatalog } from '../src/scratch';
import { extractSpecSql, renderCatalog, renderSpecJson } from '../src/spec-schema';
import { renderDatabaseTypes } from '../src/types-codegen';
import { stopTestServer, testServerUrl, withTestDatabase } from './helpers';

const spec: SchemaCatalog = JSON.parse(readFileSync(SPEC_SCHEMA_JSON, 'utf8'));
const ADDITIONS_DOC = readFileSync(fileURLToPath(new URL('../../../docs/db/ADDITIONS.md', import.meta.url)), 'utf8');

/** Tables listed in the "Tables" section of docs/db/ADDITIONS.md (first cell, in backticks). */
function recordedTables(): { product: string[]; infrastructure: string[] } {
  const section = ADDITIONS_DOC.split(/^## /m).find((s) => s.startsWith('Tables')) ?? '';
  const rows = [...section.matchAll(/^\| `(\w+)` \| (\w+) \|/gm)].map((m) => ({ table: m[1]!, kind: m[2]! }));
  return {
    product: rows.filter((r) => r.kind === 'addition').map((r) => r.table),
    infrastructure: rows.filter((r) => r.kind === 'infrastructure').map((r) => r.table),
  };
}

async function catalogOf(url: string): Promise<SchemaCatalog> {
  const client = await connectClient(url);
  try {
    return await readCatalog(client);
  } finally {
    await client.end();
  }
}

const without = (c: SchemaCatalog, tables: string[]): SchemaCatalog => ({
  tables: Object.fromEntries(Object.entries(c.tables).filter(([t]) => !tables.includes(t))),
});

/** Everything a migration could leave behind in `public`: relations of any kind, types, routines. */
async function publicObjects(url: string): Promise<string[]> {
  const client = await connectClient(url);
  try {
    const r = await client.query<{ object: string }>(
      `select c.relkind::text || ' ' || c.relname as object from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public'
       union all select 'type ' || t.typname from pg_type t join pg_namespace n on n.oid = t.typnamespace
         where n.nspname = 'public' and t.typtype <> 'c' and t.typelem = 0 and not exists (select 1 from pg_class c where c.reltype = t.oid)
       union all select 'routine ' || p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public'
       order by 1`,
    );
    return r.rows.map((row) => row.object);
  } finally {
    await client.end();
  }
}

void describe('DB_SCHEMA §2-§19 conformance (issue #2; ARCHITECTURE D4, D6)', () => {
  after(stopTestServer);

  void it('DB_SCHEMA §1: the rendering holds the 44 tables of §2-§19, each with its section', () => {
    assert.equal(Object.keys(spec.tables).length, 44);
    assert.equal(spec.tables.users?.section, '§2');
    assert.equal(spec.tables.dynamic_configs?.section, '§8');
    assert.equal(spec.tables.merge_assist_records?.section, '§18');
    assert.equal(spec.tables.admin_sessions?.section, '§19');
    assert.deepEqual(spec.tables.refactor_jobs?.indexes.find((i) => i.name === 'refactor_jobs_owner_id_created_at_idx')?.columns, ['owner_id', 'created_at DESC']);
  });

  void it('DB_SCHEMA §2-§19: up → live catalog equals the specification plus the recorded additions; down → empty; up again → equal', async () => {
    const { product, infrastructure } = recordedTables();
    assert.deepEqual(product.sort(), ['admin_credentials', 'job_events', 'refresh_tokens', 'test_run_requests'], 'docs/db/ADDITIONS.md lists the product additions');
    assert.deepEqual(infrastructure, ['schema_migrations'], 'docs/db/ADDITIONS.md lists the runner bookkeeping');
    await withTestDatabase(async (url) => {
      await migrate(url, { direction: 'up' });
      const live = await catalogOf(url);
      assert.deepEqual(diffCatalogs(spec, without(live, product)), []);
      assert.deepEqual(Object.keys(live.tables).filter((t) => !spec.tables[t]), product, 'no table beside the spec but the recorded additions');

      await migrate(url, { direction: 'down', steps: Infinity });
      assert.deepEqual(await publicObjects(url), ['i schema_migrations_pkey', 'r schema_migrations'], 'only the bookkeeping table remains');

      await migrate(url, { direction: 'up' });
      assert.deepEqual(diffCatalogs(spec, without(await catalogOf(url), product)), []);
    });
  });

  void it('DB_SCHEMA §20 invariant 18 / V1-FR-AUTH-003 addition: refresh_tokens holds hashed, expiring, revocable tokens per user and family', async () => {
    await withTestDatabase(async (url) => {
      await migrate(url, { direction: 'up' });
      const t = (await catalogOf(url)).tables.refresh_tokens!;
      assert.deepEqual(
        t.columns.map((c) => `${c.name} ${c.type}${c.nullable ? '' : ' not null'}${c.default ? ` default ${c.default}` : ''}`),
        [
          'id uuid not null default gen_random_uuid()',
          'user_id uuid not null',
          'token_hash text not null',
          'family_id uuid not null',
          'expires_at timestamp with time zone not null',
          'revoked_at timestamp with time zone',
          'created_at timestamp with time zone not null default now()',
        ],
      );
      assert.deepEqual(t.uniques.map((u) => u.columns), [['token_hash']]);
      assert.deepEqual(t.foreignKeys.map((f) => `${f.columns} -> ${f.references}(${f.refColumns})`), ['user_id -> users(id)']);
      assert.deepEqual(t.indexes.map((i) => i.columns), [['family_id'], ['user_id']]);
    });
  });

  void it('DB_SCHEMA §20 invariants 6, 14, 15, 20, 21: the constraints are live and refuse bad rows', async () => {
    await withTestDatabase(async (url) => {
      await migrate(url, { direction: 'up' });
      const client = await connectClient(url);
      try {
        const user = (await client.query<{ id: string }>(`insert into users (email) values ('a@example.test') returning id`)).rows[0]!.id;
        await assert.rejects(client.query(`insert into users (email) values ('a@example.test')`), { code: '23505' });
        await assert.rejects(
          client.query(
            `insert into subscription_tiers (user_id, tier, status, context_cap, operating_mode, billing_cycle_start, billing_cycle_end)
             values ($1, 'GOLD', 'ACTIVE', 1, 'SIMPLE', now(), now())`,
            [user],
          ),
          { code: '23514', constraint: 'subscription_tiers_tier_check' },
        );
        await client.query(`insert into oauth_accounts (user_id, provider, provider_account_id) values ($1, 'GITHUB', '42')`, [user]);
        await assert.rejects(client.query(`insert into oauth_accounts (user_id, provider, provider_account_id) values ($1, 'GITHUB', '42')`, [user]), {
          code: '23505',
        });
        await client.query(`insert into quota_reservations (user_id, job_id, phase, status, idempotency_key) values ($1, gen_random_uuid(), 1, 'RESERVED', 'k')`, [user]);
        await assert.rejects(
          client.query(`insert into quota_reservations (user_id, job_id, phase, status, idempotency_key) values ($1, gen_random_uuid(), 1, 'RESERVED', 'k')`, [user]),
          { code: '23505', constraint: 'quota_reservations_idempotency_key_key' },
        );
        // Invariant 20: updated_by names an admin account, never a user.
        await assert.rejects(client.query(`insert into dynamic_configs (config_key, config_value, updated_by) values ('x', '1', $1)`, [user]), {
          code: '23503',
          constraint: 'dynamic_configs_updated_by_fkey',
        });
        await assert.rejects(client.query(`insert into projects (owner_id, name) values (gen_random_uuid(), 'p')`), { code: '23503' });
        // Invariant 21: ON CONFLICT on the unique index makes a retried test run a no-op.
        const job = (
          await client.query<{ id: string }>(`insert into refactor_jobs (owner_id, execution_mode, target_paths) values ($1, 'LOCAL_NATIVE', '{a.py}') returning id`, [user])
        ).rows[0]!.id;
        const rev = (
          await client.query<{ id: string }>(
            `insert into spec_revisions (job_id, revision_token, actor_id, surface, bdd_snapshot, sdd_snapshot) values ($1, 'r1', $2, 'IDE', '[]', '[]') returning id`,
            [job, user],
          )
        ).rows[0]!.id;
        const insertRun = `insert into test_runs (job_id, spec_revision_id, attempt_number, phase, run_type, status, execution_mode)
                           values ($1, $2, 1, 1, 'BASELINE', 'RUNNING', 'LOCAL_NATIVE') on conflict (job_id, attempt_number, run_type) do nothing`;
        assert.equal((await client.query(insertRun, [job, rev])).rowCount, 1);
        assert.equal((await client.query(insertRun, [job, rev])).rowCount, 0);
      } finally {
        await client.end();
      }
    });
  });

  void it('diffCatalogs reports every difference by table and column (a drifted schema is caught)', () => {
    const drifted: SchemaCatalog = JSON.parse(JSON.stringify(spec));
    const jobs = drifted.tables.refactor_jobs!;
    jobs.columns.find((c) => c.name === 'status')!.default = null;
    jobs.columns.find((c) => c.name === 'org_id')!.type = 'text';
    jobs.indexes.find((i) => i.name === 'refactor_jobs_owner_id_created_at_idx')!.columns = ['owner_id', 'created_at'];
    drifted.tables.users!.checks.push({ name: 'users_extra_check', definition: 'CHECK (true)' });
    delete drifted.tables.teams;
    assert.deepEqual(diffCatalogs(spec, drifted), [
      'refactor_jobs (§3).status: default expected "\'PENDING\'::text", found null',
      'refactor_jobs (§3).org_id: type expected "uuid", found "text"',
      'refactor_jobs (§3) index refactor_jobs_owner_id_created_at_idx: expected {"name":"refactor_jobs_owner_id_created_at_idx","columns":["owner_id","created_at DESC"],"include":[],"unique":false,"method":"btree","predicate":null}, found {"name":"refactor_jobs_owner_id_created_at_idx","columns":["owner_id","created_at"],"include":[],"unique":false,"method":"btree","predicate":null}',
      'teams (§12): table missing',
      'users (§2) check users_extra_check: not in the specification ({"name":"users_extra_check","definition":"CHECK (true)"})',
    ]);
  });

  void it('the generated Kysely types (src/database.ts) are current with the migrations', async () => {
    assert.equal(readFileSync(DATABASE_TYPES, 'utf8'), renderDatabaseTypes(await migratedCatalog(await testServerUrl())), 'run `npm run db:types`');
  });

  void it('the rendering (schema/db-schema.json) is current with DB_SCHEMA.md', async (t) => {
    if (!existsSync(SPEC_SCHEMA_PATH)) return t.skip(`${SPEC_SCHEMA_PATH} is not checked out beside the repository`);
    const fresh = renderSpecJson(await renderCatalog(await testServerUrl(), extractSpecSql(readFileSync(SPEC_SCHEMA_PATH, 'utf8'))));
    assert.equal(readFileSync(SPEC_SCHEMA_JSON, 'utf8'), fresh, 'run `npm run db:render-schema`');
  });
});
