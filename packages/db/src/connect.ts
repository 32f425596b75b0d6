/**
 * @module Connecting to PostgreSQL with one-line, password-free errors (issue #2: a missing
 * prerequisite names the problem and the fix).
 */
import pg from 'pg';

/** `host:port` of a connection string; never its credentials. */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}`;
  } catch {
    return 'an unparseable DATABASE_URL';
  }
}

export class DatabaseUnreachableError extends Error {
  override readonly name = 'DatabaseUnreachableError';
  readonly code = 'DATABASE_UNREACHABLE';
  constructor(url: string, cause: unknown) {
    const reason = (cause as { code?: string })?.code ?? (cause instanceof Error ? cause.message.split('\n')[0] : 'unknown');
    super(`Cannot reach PostgreSQL at ${describeTarget(url)} (${reason}): check DATABASE_URL or unset it to use the embedded server`);
  }
}

/** A connected client, or a {@link DatabaseUnreachableError}. */
export async function connectClient(url: string, timeoutMs = 5_000): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    throw new DatabaseUnreachableError(url, err);
  }
}

/** Resolves once `select 1` succeeds, retrying until `timeoutMs`; then throws the last error. */
export async function waitForDatabase(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const client = await connectClient(url, Math.max(500, deadline - Date.now()));
      await client.query('select 1');
      await client.end();
      return;
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
