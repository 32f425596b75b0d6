/**
 * @module Connecting to PostgreSQL with one-line, password-free errors (issue #2: a missing
 * prerequisite names the problem and the fix).
 */
import pg from 'pg';

/** `host:port` of a connection string; never its credentials. */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    // libpq also accepts the host as a query parameter (a Unix socket directory, for instance).
    const host = u.hostname || u.searchParams.get('host') || 'localhost';
    return `${host}:${u.port || u.searchParams.get('port') || '5432'}`;
  } catch {
    return 'an unparseable DATABASE_URL';
  }
}

export class DatabaseUnreachableError extends Error {
  override readonly name = 'DatabaseUnreachableError';
  readonly code = 'DATABASE_UNREACHABLE';
  constructor(url: string, cause: unknown) {
    // Server-side refusals (bad password, unknown database) say more in their message than in
    // their SQLSTATE; socket failures say it in their code (ECONNREFUSED, ENOTFOUND…).
    const err = cause as { code?: string; severity?: string; message?: string } | undefined;
    const reason = (err?.severity ? err.message?.split('\n')[0] : err?.code) ?? err?.message?.split('\n')[0] ?? 'unknown';
    super(`Cannot reach PostgreSQL at ${describeTarget(url)} (${reason}): check DATABASE_URL or unset it to use the embedded server`);
  }
}

/** A connected client, or a {@link DatabaseUnreachableError}. */
export async function connectClient(url: string, timeoutMs = 5_000): Promise<pg.Client> {
  let client: pg.Client | undefined;
  try {
    client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
    await client.connect();
    return client;
  } catch (err) {
    await client?.end().catch(() => undefined);
    throw new DatabaseUnreachableError(url, err);
  }
}

/**
 * Resolves once `select 1` succeeds, retrying until `timeoutMs`; then throws the last failure
 * as a one-line {@link DatabaseUnreachableError}.
 * @example await waitForDatabase(process.env.DATABASE_URL!, 10_000);
 */
export async function waitForDatabase(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const client = await connectClient(url, Math.max(500, deadline - Date.now()));
      try {
        await client.query('select 1');
        return;
      } finally {
        await client.end().catch(() => undefined);
      }
    } catch (err) {
      if (Date.now() >= deadline) throw err instanceof DatabaseUnreachableError ? err : new DatabaseUnreachableError(url, err);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
