/**
 * @module Reads the live PostgreSQL catalog of the `public` schema into a stable, comparable
 * shape. The same reader renders the specification (scripts/render-schema.ts runs DB_SCHEMA.md's
 * own SQL in a scratch database) and checks the migrations (test/schema-conformance.test.ts),
 * so both sides are described by PostgreSQL itself, never by hand.
 */
import type { ClientBase } from 'pg';

export type ColumnShape = { type: string; nullable: boolean; default: string | null };
export type ForeignKeyShape = { columns: string[]; references: string; refColumns: string[] };
export type IndexShape = { columns: string[]; unique: boolean };
export type TableShape = {
  columns: Record<string, ColumnShape>;
  primaryKey: string[];
  uniques: string[][];
  checks: string[];
  foreignKeys: ForeignKeyShape[];
  indexes: IndexShape[];
};
export type SchemaCatalog = { tables: Record<string, TableShape> };

/** Bookkeeping tables of the runner, not part of the product schema. */
export const INFRASTRUCTURE_TABLES = ['schema_migrations'];

const byJson = <T>(a: T, b: T) => JSON.stringify(a).localeCompare(JSON.stringify(b));

export async function readCatalog(client: ClientBase): Promise<SchemaCatalog> {
  const tables: Record<string, TableShape> = {};
  const tableRows = await client.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind = 'r' order by 1`,
  );
  for (const { name } of tableRows.rows) {
    if (INFRASTRUCTURE_TABLES.includes(name)) continue;
    tables[name] = { columns: {}, primaryKey: [], uniques: [], checks: [], foreignKeys: [], indexes: [] };
  }

  const columns = await client.query<{ table: string; column: string; type: string; notnull: boolean; def: string | null }>(
    `select c.relname as table, a.attname as column, format_type(a.atttypid, a.atttypmod) as type,
            a.attnotnull as notnull, pg_get_expr(d.adbin, d.adrelid) as def
     from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
     left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
     where n.nspname = 'public' and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped
     order by c.relname, a.attnum`,
  );
  for (const r of columns.rows) {
    const t = tables[r.table];
    if (t) t.columns[r.column] = { type: r.type, nullable: !r.notnull, default: r.def };
  }

  const constraints = await client.query<{ table: string; type: string; cols: string[]; ref: string | null; refcols: string[] | null; def: string }>(
    `select c.relname as table, k.contype as type,
            array(select a.attname from unnest(k.conkey) with ordinality u(n, i)
                  join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n order by u.i)::text[] as cols,
            r.relname as ref,
            array(select a.attname from unnest(k.confkey) with ordinality u(n, i)
                  join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.n order by u.i)::text[] as refcols,
            pg_get_constraintdef(k.oid) as def
     from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
     left join pg_class r on r.oid = k.confrelid
     where n.nspname = 'public'`,
  );
  for (const r of constraints.rows) {
    const t = tables[r.table];
    if (!t) continue;
    if (r.type === 'p') t.primaryKey = r.cols;
    else if (r.type === 'u') t.uniques.push(r.cols);
    else if (r.type === 'c') t.checks.push(r.def);
    else if (r.type === 'f') t.foreignKeys.push({ columns: r.cols, references: r.ref!, refColumns: r.refcols ?? [] });
  }

  // Indexes that back no constraint: the spec's CREATE [UNIQUE] INDEX statements.
  const indexes = await client.query<{ table: string; cols: string[]; unique: boolean }>(
    `select c.relname as table, i.indisunique as unique,
            array(select pg_get_indexdef(i.indexrelid, k + 1, true) from generate_subscripts(i.indkey, 1) k order by k)::text[] as cols
     from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)`,
  );
  for (const r of indexes.rows) tables[r.table]?.indexes.push({ columns: r.cols, unique: r.unique });

  for (const t of Object.values(tables)) {
    t.uniques.sort(byJson);
    t.checks.sort();
    t.foreignKeys.sort(byJson);
    t.indexes.sort(byJson);
  }
  return { tables };
}

/**
 * Every difference between two catalogs as one readable line each (`table.column: …`); empty
 * when they agree.
 */
export function diffCatalogs(expected: SchemaCatalog, actual: SchemaCatalog): string[] {
  const out: string[] = [];
  for (const name of new Set([...Object.keys(expected.tables), ...Object.keys(actual.tables)])) {
    const e = expected.tables[name];
    const a = actual.tables[name];
    if (!e) out.push(`${name}: table not in the specification`);
    else if (!a) out.push(`${name}: table missing`);
    else {
      for (const col of new Set([...Object.keys(e.columns), ...Object.keys(a.columns)])) {
        const ec = e.columns[col];
        const ac = a.columns[col];
        if (!ec) out.push(`${name}.${col}: column not in the specification`);
        else if (!ac) out.push(`${name}.${col}: column missing`);
        else if (JSON.stringify(ec) !== JSON.stringify(ac)) out.push(`${name}.${col}: expected ${JSON.stringify(ec)}, found ${JSON.stringify(ac)}`);
      }
      for (const key of ['primaryKey', 'uniques', 'checks', 'foreignKeys', 'indexes'] as const) {
        if (JSON.stringify(e[key]) !== JSON.stringify(a[key])) out.push(`${name} ${key}: expected ${JSON.stringify(e[key])}, found ${JSON.stringify(a[key])}`);
      }
    }
  }
  return out;
}
