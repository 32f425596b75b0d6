/** @module The typed query layer: one Kysely instance over a pg pool per process. */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database';

export type Db = {
  db: Kysely<Database>;
  pool: pg.Pool;
  /** Ends the pool and resolves once every connection has really closed. */
  close(): Promise<void>;
};

/**
 * @example const { db, close } = createDb(process.env.DATABASE_URL!);
 *          const user = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
 */
export function createDb(url: string, max = 10): Db {
  const pool = new pg.Pool({ connectionString: url, max });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  // pg-pool's end() resolves before its clients have closed ('remove' comes later). A caller that
  // then drops the database (`with (force)`, as the test scratch databases do) would kill them
  // mid-close and surface an uncaught 'error', so close() waits for the last one.
  let open = 0;
  let lastClosed: (() => void) | undefined;
  pool.on('connect', () => void (open += 1));
  pool.on('remove', () => {
    open -= 1;
    if (open === 0) lastClosed?.();
  });
  return {
    db,
    pool,
    close: async () => {
      const closed = new Promise<void>((resolve) => (lastClosed = resolve));
      await db.destroy();
      if (open > 0) await closed;
    },
  };
}
