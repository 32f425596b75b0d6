/**
 * `npm run bench`: runs every `packages|apps|tools/<ws>/bench/*.bench.ts` one after another and
 * lets each print its numbers. Benchmarks report; they never assert (ARCHITECTURE §5).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@iama/devstack';

const only = process.argv.slice(2);
const benches: string[] = [];
for (const group of ['packages', 'apps', 'tools']) {
  for (const ws of readdirSync(join(REPO_ROOT, group))) {
    const dir = join(REPO_ROOT, group, ws, 'bench');
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) if (f.endsWith('.bench.ts')) benches.push(join(group, ws, 'bench', f));
  }
}
let failed = 0;
for (const bench of benches.filter((b) => only.length === 0 || only.some((o) => b.includes(o)))) {
  console.log(`\n== ${bench}`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', bench], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
