/**
 * The README's test command (`npm test`, called by `.ci/run`): static gates, then every
 * `*.test.ts` of the workspaces under Node's test runner against a real stack — embedded
 * PostgreSQL, the Temporal dev server, the fixture model behind a real LiteLLM Proxy —
 * started on free ports in a throw-away data directory and stopped afterwards.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { REPO_ROOT, startStack, TEST_STACK_VARS, testStackEnv } from '@iama/devstack';

const args = new Set(process.argv.slice(2));
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));

/**
 * Runs a command with inherited stdio. Asynchronous on purpose: the fixture model of the test
 * stack is served from this process's event loop, which a synchronous spawn would block.
 */
async function run(label: string, cmd: string, cmdArgs: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  console.log(`\n== ${label}`);
  const began = Date.now();
  const child = spawn(cmd, cmdArgs, { cwd: REPO_ROOT, env, stdio: 'inherit' });
  const status = await new Promise<number>((resolve) => {
    child.once('error', () => resolve(1));
    child.once('exit', (code) => resolve(code ?? 1));
  });
  console.log(`== ${label}: ${status === 0 ? 'ok' : 'FAILED'} (${((Date.now() - began) / 1000).toFixed(1)} s)`);
  return status;
}

function testFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name === 'fixtures') continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.test.ts')) found.push(relative(REPO_ROOT, path));
    }
  };
  for (const group of ['packages', 'apps', 'tools']) {
    for (const ws of readdirSync(join(REPO_ROOT, group))) {
      const testDir = join(REPO_ROOT, group, ws, 'test');
      try {
        if (statSync(testDir).isDirectory()) walk(testDir);
      } catch {
        // workspace without tests
      }
    }
  }
  return found.sort().filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
}

const npx = join(REPO_ROOT, 'node_modules', '.bin');
if (!args.has('--no-static')) {
  const gates: Array<[string, string, string[]]> = [
    ['typecheck', join(npx, 'tsc'), ['-p', 'tsconfig.json', '--noEmit']],
    ['lint', join(npx, 'eslint'), ['.', '--max-warnings=0']],
    ['openapi is current', join(npx, 'tsx'), ['packages/contracts/scripts/openapi.ts', '--check']],
    ['traceability is current', join(npx, 'tsx'), ['scripts/traceability.ts', '--check']],
  ];
  for (const [label, cmd, cmdArgs] of gates) {
    if ((await run(label, cmd, cmdArgs)) !== 0) process.exit(1);
  }
}

const files = testFiles();
const runTests = (env: Record<string, string>) =>
  run('tests', process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
    ...process.env,
    ...env,
  });

let status = 1;
if (TEST_STACK_VARS.every((k) => process.env[k])) {
  // A stack is already running (`npm run test:stack`): reuse it.
  console.log(`\n== reusing the running test stack (${files.length} test files)`);
  status = await runTests({ IAMA_TEST_STACK: '1' });
} else {
  console.log(`\n== starting the test stack (${files.length} test files)`);
  const dataDir = mkdtempSync(join(tmpdir(), 'iama-test-'));
  const began = Date.now();
  const stack = await startStack({ dataDir, ports: 'ephemeral', components: 'infra', log: (l) => console.log(l) });
  console.log(`== test stack ready in ${((Date.now() - began) / 1000).toFixed(1)} s`);
  try {
    status = await runTests(testStackEnv(stack));
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
process.exit(status);
