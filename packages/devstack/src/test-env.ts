/** @module The real services a test needs, as provided by the test harness (`npm test`). */
export type TestStackEnv = { databaseUrl: string; temporalAddress: string; litellmBaseUrl: string };

export function requireTestStack(env: NodeJS.ProcessEnv = process.env): TestStackEnv {
  const missing = ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'LITELLM_BASE_URL'].filter((k) => !env[k]);
  if (missing.length) throw new Error(`missing ${missing.join(', ')}: run tests through \`npm test\` (scripts/test.ts starts the stack)`);
  return { databaseUrl: env.DATABASE_URL!, temporalAddress: env.TEMPORAL_ADDRESS!, litellmBaseUrl: env.LITELLM_BASE_URL! };
}
