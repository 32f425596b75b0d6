/**
 * @module The machine-readable rendering of DB_SCHEMA.md (schema/db-schema.json), read from the
 * document itself and never from the migrations: its SQL blocks are extracted, executed in
 * document order in a scratch database, and the catalog PostgreSQL builds from them is read
 * back, so types, defaults and checks are normalised by PostgreSQL exactly as the live schema's.
 */
import { readCatalog, type SchemaCatalog } from './catalog';
import { connectClient } from './connect';
import { withScratchDatabase } from './scratch';

export type SpecStatement = { section: string; sql: string };

/**
 * The DDL statements of the document's ```sql blocks, comments removed, in document order,
 * each with the `§N` heading it appears under. Only CREATE TABLE / CREATE [UNIQUE] INDEX are
 * expected; anything else is an error, so a change of the document's kind is noticed.
 */
export function extractSpecSql(markdown: string): SpecStatement[] {
  const statements: SpecStatement[] = [];
  let section = '?';
  let inSql = false;
  let buffer = '';
  let quoted = false;
  for (const line of markdown.replace(/\r\n/g, '\n').split('\n')) {
    const heading = /^## (\d+)\./.exec(line);
    if (!inSql && heading) section = `§${heading[1]}`;
    if (!inSql && /^```sql\s*$/.test(line)) {
      inSql = true;
      continue;
    }
    if (inSql && /^```/.test(line)) {
      inSql = false;
      continue;
    }
    if (!inSql) continue;
    // Quote-aware: `--` and `;` inside a string literal are text, not a comment or a terminator.
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (ch === "'") quoted = !quoted;
      if (!quoted && ch === '-' && line[i + 1] === '-') break;
      if (!quoted && ch === ';') {
        const sql = buffer.trim();
        buffer = '';
        if (!sql) continue;
        if (!/^CREATE (TABLE|INDEX|UNIQUE INDEX) /i.test(sql)) throw new Error(`DB_SCHEMA.md ${section}: unexpected statement: ${sql.split('\n')[0]}`);
        statements.push({ section, sql });
        continue;
      }
      buffer += ch;
    }
    buffer += '\n';
  }
  if (buffer.trim() || quoted) throw new Error(`DB_SCHEMA.md ${section}: statement without a closing semicolon: ${buffer.trim().split('\n')[0]}`);
  return statements;
}

/** The table a CREATE TABLE statement creates, if it is one. */
const createdTable = (sql: string) => /^CREATE TABLE\s+(\w+)/i.exec(sql)?.[1];

/**
 * Runs `statements` in a scratch database on the server of `serverUrl` and returns its catalog.
 * A statement failing only because it names a table the document defines later (SQLSTATE
 * 42P01, e.g. §8 → §19) waits for a later pass; anything else fails the rendering.
 */
export async function renderCatalog(serverUrl: string, statements: SpecStatement[]): Promise<SchemaCatalog> {
  return withScratchDatabase(serverUrl, 'iama_t', async (url) => {
    const client = await connectClient(url);
    try {
      let pending = statements;
      while (pending.length) {
        const deferred: SpecStatement[] = [];
        let lastError: unknown;
        for (const stmt of pending) {
          try {
            await client.query(stmt.sql);
          } catch (err) {
            const failure = `DB_SCHEMA.md ${stmt.section}: ${(err as Error).message} in: ${stmt.sql.split('\n')[0]}`;
            if ((err as { code?: string }).code !== '42P01') throw new Error(failure);
            deferred.push(stmt);
            lastError = new Error(failure);
          }
        }
        if (deferred.length === pending.length) throw lastError;
        pending = deferred;
      }
      const catalog = await readCatalog(client);
      for (const stmt of statements) {
        const table = createdTable(stmt.sql);
        if (table && catalog.tables[table]) catalog.tables[table].section = stmt.section;
      }
      return catalog;
    } finally {
      await client.end();
    }
  });
}

/** The committed form of the rendering: stable key order, one trailing newline. */
export function renderSpecJson(catalog: SchemaCatalog): string {
  const sorted = Object.fromEntries(
    Object.keys(catalog.tables)
      .sort()
      .map((t) => {
        const { section, ...shape } = catalog.tables[t]!;
        return [t, { section, ...shape }];
      }),
  );
  return `${JSON.stringify({ source: '../shared/spec/DEV/DB_SCHEMA.md', generatedBy: 'npm run db:render-schema', tables: sorted }, null, 2)}\n`;
}
