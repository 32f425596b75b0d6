/**
 * @module `iama demo`: the README's first command (ARCHITECTURE §3, issue #7). Starts the embedded
 * stack, runs the main job on the bundled legacy example (`examples/order-js`) from creation to
 * DELIVERED over the HTTP API as a client would, applies the delivery to a temporary copy of the
 * example and runs the example's own tests on it, then stops the stack.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStack } from '@iama/devstack';
import { apiClient } from '../demo/api-client';
import { applyAndTest } from '../demo/deliver';
import { driveJob } from '../demo/drive-job';
import { stackOptionsOf, type StackCommandOptions } from './stack-options';

const EXAMPLE_DIR = fileURLToPath(new URL('../../../../examples/order-js', import.meta.url));
const TARGET = 'src/order.js';

export async function runDemo(opts: StackCommandOptions): Promise<void> {
  // The stand-in provider answers with the example's scripted answers (ARCHITECTURE D7); a real
  // provider (LITELLM_BASE_URL, or the model.l1|l2|l3 routes) never reads this: configuration only.
  process.env.IAMA_FIXTURE_SCENARIOS_DIR ??= join(EXAMPLE_DIR, 'fixture-scenarios');
  console.log('IAMA demo: starting the embedded stack');
  const stack = await startStack(stackOptionsOf(opts));
  try {
    const api = apiClient(stack.apiUrl!);
    console.log(`\n[1/3] register + log in a demo user at ${api.base}`);
    await api.login(`demo-${randomUUID()}@example.test`, `demo-${randomUUID()}`);

    console.log(
      `[2/3] refactor job on examples/order-js/${TARGET} (every state, time since start)`,
    );
    const job = await driveJob(api, {
      workspaceRoot: EXAMPLE_DIR,
      targetFiles: [{ path: TARGET, content: readFileSync(join(EXAMPLE_DIR, TARGET), 'utf8') }],
      log: (line) => console.log(line),
    });
    console.log(`      DELIVERED in ${(job.totalMs / 1000).toFixed(1)}s`);

    console.log(
      '[3/3] apply the delivery to a temporary copy of the example and run its own tests',
    );
    console.log(
      '      (the delivery/apply/revert endpoints are not served yet: the demo applies the',
    );
    console.log(
      "       patched files of the job's last passing test run; nothing to revert server-side)",
    );
    if (job.deliveredFiles.length === 0)
      throw new Error('the job delivered without a passing refactor run');
    const applied = await applyAndTest(EXAMPLE_DIR, job.deliveredFiles);
    for (const line of applied.diff) console.log(`      ${line}`);
    console.log(
      `      changed: ${applied.changed.join(', ') || 'nothing'}; example tests: ${applied.summary}`,
    );
    if (!applied.testsPassed) throw new Error("the example's own tests fail on the delivered code");
    console.log(
      '\nDemo complete: the job reached DELIVERED and the example still passes its tests.',
    );
  } finally {
    await stack.stop();
  }
}
