/** @module The real services a test needs, as provided by the test harness (`npm test`). */
import type { StackUrls } from './stack';

export type TestStackEnv = { databaseUrl: string; temporalAddress: string; litellmBaseUrl: string };

/** The variables through which the harness hands a running stack to test processes. */
export const TEST_STACK_VARS = ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'LITELLM_BASE_URL', 'FIXTURE_MODEL_URL'] as const;

export function requireTestStack(env: NodeJS.ProcessEnv = process.env): TestStackEnv {
  const missing = ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'LITELLM_BASE_URL'].filter((k) => !env[k]);
  if (missing.length) throw new Error(`missing ${missing.join(', ')}: run tests through \`npm test\` (scripts/test.ts starts the stack)`);
  return { databaseUrl: env.DATABASE_URL!, temporalAddress: env.TEMPORAL_ADDRESS!, litellmBaseUrl: env.LITELLM_BASE_URL! };
}

/** The environment of a test process for a running infra stack. */
export function testStackEnv(stack: StackUrls): Record<(typeof TEST_STACK_VARS)[number] | 'IAMA_TEST_STACK', string> {
  return {
    DATABASE_URL: stack.databaseUrl,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    LITELLM_BASE_URL: stack.litellmBaseUrl,
    FIXTURE_MODEL_URL: stack.fixtureModelUrl ?? '',
    IAMA_TEST_STACK: '1',
  };
}
