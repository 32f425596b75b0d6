/** @module The typed query layer: one Kysely instance over a pg pool per process. */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database';

export type Db = { db: Kysely<Database>; pool: pg.Pool; close(): Promise<void> };

/**
 * @example const { db, close } = createDb(process.env.DATABASE_URL!);
 *          const user = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
 */
export function createDb(url: string, max = 10): Db {
  const pool = new pg.Pool({ connectionString: url, max });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool, close: () => db.destroy() };
}
