/**
 * @module Reads the live PostgreSQL catalog of the `public` schema into a stable, comparable
 * shape. The same reader renders the specification (scripts/render-schema.ts runs DB_SCHEMA.md's
 * own SQL in a scratch database) and checks the migrations (test/schema-conformance.test.ts),
 * so both sides are described by PostgreSQL itself (format_type, pg_get_constraintdef,
 * pg_get_expr), never by hand-written normalisation.
 */
import type { ClientBase } from 'pg';

/** `default` is the normalised default expression, `null` when the column has none. */
export type ColumnShape = { name: string; type: string; nullable: boolean; default: string | null };
export type ConstraintShape = { name: string; columns: string[] };
export type CheckShape = { name: string; definition: string };
export type ForeignKeyShape = {
  name: string;
  columns: string[];
  references: string;
  refColumns: string[];
  onDelete: string;
  onUpdate: string;
};
/** Key columns carry their sort order (`created_at DESC`), as PostgreSQL would print them. */
export type IndexShape = { name: string; columns: string[]; include: string[]; unique: boolean; method: string; predicate: string | null };
export type TableShape = {
  /** The DB_SCHEMA.md section defining the table (in the rendering only). */
  section?: string;
  /** In table order. */
  columns: ColumnShape[];
  primaryKey: ConstraintShape | null;
  uniques: ConstraintShape[];
  checks: CheckShape[];
  foreignKeys: ForeignKeyShape[];
  /** Indexes that back no constraint: the `CREATE [UNIQUE] INDEX` statements. */
  indexes: IndexShape[];
};
export type SchemaCatalog = { tables: Record<string, TableShape> };

/** Bookkeeping tables of the migration runner, not part of the product schema. */
export const INFRASTRUCTURE_TABLES = ['schema_migrations'];

const FK_ACTIONS: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };
const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

/**
 * The product tables of `public` (infrastructure tables excluded).
 * @example const catalog = await readCatalog(client); catalog.tables.users.columns[0].name === 'id'
 */
export async function readCatalog(client: ClientBase): Promise<SchemaCatalog> {
  const tables: Record<string, TableShape> = {};
  const tableRows = await client.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`,
  );
  for (const { name } of tableRows.rows) {
    if (INFRASTRUCTURE_TABLES.includes(name)) continue;
    tables[name] = { columns: [], primaryKey: null, uniques: [], checks: [], foreignKeys: [], indexes: [] };
  }

  const columns = await client.query<{ table: string; column: string; type: string; notnull: boolean; def: string | null }>(
    `select c.relname as table, a.attname as column, format_type(a.atttypid, a.atttypmod) as type,
            a.attnotnull as notnull, pg_get_expr(d.adbin, d.adrelid) as def
     from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
     left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
     where n.nspname = 'public' and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
     order by c.relname, a.attnum`,
  );
  for (const r of columns.rows) {
    tables[r.table]?.columns.push({ name: r.column, type: r.type, nullable: !r.notnull, default: r.def });
  }

  const constraints = await client.query<{
    table: string;
    name: string;
    type: string;
    cols: string[];
    ref: string | null;
    refcols: string[] | null;
    del: string;
    upd: string;
    def: string;
  }>(
    `select c.relname as table, k.conname as name, k.contype as type,
            array(select a.attname from unnest(k.conkey) with ordinality u(n, i)
                  join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n order by u.i)::text[] as cols,
            r.relname as ref,
            array(select a.attname from unnest(k.confkey) with ordinality u(n, i)
                  join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.n order by u.i)::text[] as refcols,
            k.confdeltype as del, k.confupdtype as upd, pg_get_constraintdef(k.oid, true) as def
     from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
     left join pg_class r on r.oid = k.confrelid
     where n.nspname = 'public'`,
  );
  for (const r of constraints.rows) {
    const t = tables[r.table];
    if (!t) continue;
    if (r.type === 'p') t.primaryKey = { name: r.name, columns: r.cols };
    else if (r.type === 'u') t.uniques.push({ name: r.name, columns: r.cols });
    else if (r.type === 'c') t.checks.push({ name: r.name, definition: r.def });
    else if (r.type === 'f') {
      t.foreignKeys.push({
        name: r.name,
        columns: r.cols,
        references: r.ref ?? '?',
        refColumns: r.refcols ?? [],
        onDelete: FK_ACTIONS[r.del] ?? r.del,
        onUpdate: FK_ACTIONS[r.upd] ?? r.upd,
      });
    }
  }

  // indoption bit 1 = DESC, bit 2 = NULLS FIRST; only non-default orderings are printed.
  const indexes = await client.query<{ table: string; name: string; unique: boolean; method: string; cols: string[]; include: string[]; predicate: string | null }>(
    `select c.relname as table, ic.relname as name, i.indisunique as unique, am.amname as method,
            array(select pg_get_indexdef(i.indexrelid, k + 1, true)
                         || case when i.indoption[k] & 1 = 1 then ' DESC' || case when i.indoption[k] & 2 = 0 then ' NULLS LAST' else '' end
                                 else case when i.indoption[k] & 2 = 2 then ' NULLS FIRST' else '' end end
                  from generate_series(0, i.indnkeyatts - 1) k order by k)::text[] as cols,
            array(select pg_get_indexdef(i.indexrelid, k + 1, true)
                  from generate_series(i.indnkeyatts, i.indnatts - 1) k order by k)::text[] as include,
            pg_get_expr(i.indpred, i.indrelid, true) as predicate
     from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
     join pg_class ic on ic.oid = i.indexrelid join pg_am am on am.oid = ic.relam
     where n.nspname = 'public' and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid and k.conrelid = i.indrelid)`,
  );
  for (const r of indexes.rows) {
    tables[r.table]?.indexes.push({ name: r.name, columns: r.cols, include: r.include, unique: r.unique, method: r.method, predicate: r.predicate });
  }

  for (const t of Object.values(tables)) {
    t.uniques.sort(byName);
    t.checks.sort(byName);
    t.foreignKeys.sort(byName);
    t.indexes.sort(byName);
  }
  return { tables };
}

const show = (v: unknown) => JSON.stringify(v);

function diffNamed<T extends { name: string }>(label: string, table: string, expected: T[], actual: T[], out: string[]): void {
  for (const e of expected) {
    const a = actual.find((x) => x.name === e.name);
    if (!a) out.push(`${table} ${label} ${e.name}: missing (expected ${show(e)})`);
    else if (show(a) !== show(e)) out.push(`${table} ${label} ${e.name}: expected ${show(e)}, found ${show(a)}`);
  }
  for (const a of actual) {
    if (!expected.some((e) => e.name === a.name)) out.push(`${table} ${label} ${a.name}: not in the specification (${show(a)})`);
  }
}

/**
 * Every difference between two catalogs as one readable line each (`table.column: …`,
 * `table index name: …`); empty when they agree.
 */
export function diffCatalogs(expected: SchemaCatalog, actual: SchemaCatalog): string[] {
  const out: string[] = [];
  const names = [...new Set([...Object.keys(expected.tables), ...Object.keys(actual.tables)])].sort();
  for (const name of names) {
    const e = expected.tables[name];
    const a = actual.tables[name];
    if (!e) {
      out.push(`${name}: table not in the specification`);
      continue;
    }
    const where = e.section ? `${name} (${e.section})` : name;
    if (!a) {
      out.push(`${where}: table missing`);
      continue;
    }
    const before = out.length;
    for (const ec of e.columns) {
      const ac = a.columns.find((c) => c.name === ec.name);
      if (!ac) out.push(`${where}.${ec.name}: column missing`);
      else {
        for (const key of ['type', 'nullable', 'default'] as const) {
          if (ec[key] !== ac[key]) out.push(`${where}.${ec.name}: ${key} expected ${show(ec[key])}, found ${show(ac[key])}`);
        }
      }
    }
    for (const ac of a.columns) {
      if (!e.columns.some((c) => c.name === ac.name)) out.push(`${where}.${ac.name}: column not in the specification`);
    }
    const order = (t: TableShape) => t.columns.map((c) => c.name).join(', ');
    if (out.length === before && order(e) !== order(a)) out.push(`${where}: column order expected (${order(e)}), found (${order(a)})`);
    if (show(e.primaryKey) !== show(a.primaryKey)) out.push(`${where} primary key: expected ${show(e.primaryKey)}, found ${show(a.primaryKey)}`);
    diffNamed('unique', where, e.uniques, a.uniques, out);
    diffNamed('check', where, e.checks, a.checks, out);
    diffNamed('foreign key', where, e.foreignKeys, a.foreignKeys, out);
    diffNamed('index', where, e.indexes, a.indexes, out);
  }
  return out;
}
