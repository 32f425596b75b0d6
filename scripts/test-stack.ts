/**
 * `npm run test:stack`: starts the test infrastructure (embedded PostgreSQL, Temporal dev
 * server, fixture model behind the LiteLLM Proxy) on free ports and keeps it up until Ctrl-C,
 * so test files can be run again and again without paying the start-up each time:
 *
 *   npm run test:stack            # prints the variables and writes .data/test-stack.env
 *   set -a; . .data/test-stack.env; set +a
 *   npm test -- --no-static packages/db   # scripts/test.ts reuses the running stack
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, startStack, testStackEnv } from '@iama/devstack';

const dataDir = mkdtempSync(join(tmpdir(), 'iama-test-stack-'));
const stack = await startStack({ dataDir, ports: 'ephemeral', components: 'infra', log: (l) => console.log(l) });
const envFile = join(REPO_ROOT, '.data', 'test-stack.env');
mkdirSync(join(REPO_ROOT, '.data'), { recursive: true });
const lines = Object.entries(testStackEnv(stack)).map(([k, v]) => `${k}=${v}`);
writeFileSync(envFile, `${lines.join('\n')}\n`);
console.log(`\n${lines.join('\n')}\n\nwritten to ${envFile}; Ctrl-C stops the stack`);

await new Promise<void>((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
await stack.stop();
rmSync(dataDir, { recursive: true, force: true });
rmSync(envFile, { force: true });
process.exit(0);
