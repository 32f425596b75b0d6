/**
 * @module The machine-readable rendering of DB_SCHEMA.md: its SQL blocks are executed, in the
 * document's order, in a scratch database and the resulting catalog is read back. A statement
 * that refers to a table defined later in the document (e.g. §8 → §19) is retried after the
 * others.
 */
import { readCatalog, type SchemaCatalog } from './catalog';
import { connectClient } from './connect';

/** The DDL statements of the document's ```sql blocks, comments removed, in order. */
export function extractSpecSql(markdown: string): string[] {
  const text = markdown.replace(/\r\n/g, '\n');
  const statements: string[] = [];
  for (const block of text.matchAll(/```sql\n([\s\S]*?)```/g)) {
    const sql = block[1]!.split('\n').map((line) => line.replace(/--.*$/, '')).join('\n');
    for (const stmt of sql.split(';')) if (stmt.trim()) statements.push(stmt.trim());
  }
  return statements;
}

/** `url` with another database name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Creates a scratch database, runs `statements`, reads its catalog, drops it. */
export async function renderCatalog(serverUrl: string, statements: string[]): Promise<SchemaCatalog> {
  const scratch = `iama_render_${process.pid}_${Date.now()}`;
  const admin = await connectClient(serverUrl);
  await admin.query(`create database ${scratch}`);
  try {
    const client = await connectClient(withDatabase(serverUrl, scratch));
    try {
      let pending = statements;
      while (pending.length) {
        const deferred: string[] = [];
        let lastError: unknown;
        for (const stmt of pending) {
          try {
            await client.query(stmt);
          } catch (err) {
            if ((err as { code?: string }).code !== '42P01') throw err; // only "relation does not exist" waits
            deferred.push(stmt);
            lastError = err;
          }
        }
        if (deferred.length === pending.length) throw lastError;
        pending = deferred;
      }
      return await readCatalog(client);
    } finally {
      await client.end();
    }
  } finally {
    await admin.query(`drop database if exists ${scratch}`);
    await admin.end();
  }
}
