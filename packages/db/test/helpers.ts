/**
 * @module One PostgreSQL server per test file: `DATABASE_URL`'s when the harness sets it,
 * otherwise a temporary embedded one started on first use and stopped by {@link stopTestServer}.
 * Every test works in its own scratch database, so tests never disturb each other.
 */
import { startTemporaryPostgres, withScratchDatabase } from '../src/scratch';
import type { RunningPostgres } from '../src/embedded';

let embedded: Promise<RunningPostgres> | undefined;

export async function testServerUrl(): Promise<string> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  embedded ??= startTemporaryPostgres();
  return (await embedded).url;
}

/** For `after()`: stops the embedded server if this file started one. */
export async function stopTestServer(): Promise<void> {
  const running = await embedded?.catch(() => undefined);
  embedded = undefined;
  await running?.stop();
}

/** Runs `fn` in a fresh `iama_t_<random>` database, dropped afterwards. */
export async function withTestDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  return withScratchDatabase(await testServerUrl(), 'iama_t', fn);
}
