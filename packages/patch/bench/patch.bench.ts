/**
 * @module `npm run bench`: patch engine numbers, printed, never asserted (ARCHITECTURE §5).
 * 1. One 5,000-line TypeScript file: 50 exact_search_replace operations, 50 AST-symbolic
 *    operations, the delivery diff and the reverse round trip.
 * 2. Throughput (issue #3 target ≥ 5,000 ops/s): 10,000 exact operations over 1,000 files in one
 *    patch, and 2,000 AST operations over 200 files; round-trip correctness and peak RSS.
 */
import type { PatchEditOperation } from '@iama/contracts';
import {
  applyPatchEdit,
  applyReversePatch,
  buildDelivery,
  fingerprintOf,
  loadAstSupport,
  reversePatchOf,
  type ApplyOptions,
  type FileTree,
} from '../src/index';

let peakRss = 0;
const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));

/** Median wall time of `runs` calls, in ms. */
function time<T>(runs: number, f: () => T): { ms: number; value: T } {
  const samples: number[] = [];
  let value!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    value = f();
    samples.push(performance.now() - t0);
    sampleRss();
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[Math.floor(samples.length / 2)]!, value };
}

/** A TypeScript file of `fns` five-line functions (plus a class holding every tenth as a method). */
function tsFile(fns: number, tag: string): string {
  const out: string[] = [`// generated ${tag}\n`];
  for (let i = 0; i < fns; i++)
    out.push(
      `export function f${i}(x: number): number {\n  const y = x * ${i};\n  return y + ${i}; // ${tag}-${i}\n}\n\n`,
    );
  return out.join('');
}

const esr = (path: string, base: string, i: number, tag: string): PatchEditOperation => ({
  op: 'exact_search_replace',
  path,
  base_fingerprint: fingerprintOf(base),
  search: `return y + ${i}; // ${tag}-${i}\n`,
  replace: `return y - ${i}; // ${tag}-${i} changed\n`,
  max_occurrences: 1,
});
const sym = (path: string, base: string, i: number): PatchEditOperation => ({
  op: 'symbolic_replace',
  path,
  base_fingerprint: fingerprintOf(base),
  symbol: `f${i}`,
  new_body: `export function f${i}(x: number): number {\n  return x * ${i} + 1;\n}`,
});

function roundTrip(
  tree: FileTree,
  patchOps: PatchEditOperation[],
  options: ApplyOptions,
): { ok: boolean; ms: number } {
  const r = time(1, () =>
    applyPatchEdit(tree, { schema_version: 'patch_edit.v1', operations: patchOps }, options),
  );
  if (!r.value.ok) throw new Error(`apply failed: ${JSON.stringify(r.value.failures.slice(0, 3))}`);
  const back = applyReversePatch(r.value.files, reversePatchOf(r.value.changes));
  const same = back.ok && Object.keys(tree).every((p) => back.files[p] === tree[p]);
  return { ok: same, ms: r.ms };
}

const ast = await loadAstSupport();
const fmt = (n: number) => n.toFixed(1);

// 1. One large file.
const big = tsFile(1_000, 'big'); // 5,001 lines
const bigTree = { 'src/big.ts': big };
const lines = big.split('\n').length - 1;
const esrOps = Array.from({ length: 50 }, (_, k) => esr('src/big.ts', big, k * 20, 'big'));
const astOps = Array.from({ length: 50 }, (_, k) => sym('src/big.ts', big, k * 20 + 1));
const esrRun = time(20, () =>
  applyPatchEdit(bigTree, { schema_version: 'patch_edit.v1', operations: esrOps }),
);
const astRun = time(10, () =>
  applyPatchEdit(bigTree, { schema_version: 'patch_edit.v1', operations: astOps }, { ast }),
);
if (!esrRun.value.ok || !astRun.value.ok) throw new Error('large-file apply failed');
const diffRun = time(20, () => buildDelivery(astRun.value.ok ? astRun.value.changes : []));
const hunks = diffRun.value[0]!.hunks.length;
console.log(`large file: ${lines} lines, ${big.length} chars`);
console.log(`  apply 50 exact_search_replace ops: ${fmt(esrRun.ms)} ms (median of 20)`);
console.log(
  `  apply 50 symbolic_replace ops (parse, resolve, re-parse check): ${fmt(astRun.ms)} ms (median of 10)`,
);
console.log(
  `  delivery diff (${hunks} hunks, ids, unified text): ${fmt(diffRun.ms)} ms (median of 20)`,
);

// 2. Throughput.
const files = 1_000;
const tree: Record<string, string> = {};
for (let f = 0; f < files; f++) tree[`src/m${f}.ts`] = tsFile(20, `m${f}`); // ~100 lines each
const manyOps = Object.entries(tree).flatMap(([path, base], f) =>
  Array.from({ length: 10 }, (_, k) => esr(path, base, k * 2, `m${f}`)),
);
const exact = roundTrip(tree, manyOps, {});
console.log(
  `throughput, exact: ${manyOps.length} ops over ${files} files in one patch: ${fmt(exact.ms)} ms → ${Math.round(manyOps.length / (exact.ms / 1000))} ops/s; reverse round trip ${exact.ok ? '100%' : 'FAILED'}`,
);

const astTree = Object.fromEntries(Object.entries(tree).slice(0, 200));
const astMany = Object.entries(astTree).flatMap(([path, base]) =>
  Array.from({ length: 10 }, (_, k) => sym(path, base, k * 2 + 1)),
);
const symbolic = roundTrip(astTree, astMany, { ast });
console.log(
  `throughput, AST: ${astMany.length} symbolic ops over ${Object.keys(astTree).length} files in one patch: ${fmt(symbolic.ms)} ms → ${Math.round(astMany.length / (symbolic.ms / 1000))} ops/s; reverse round trip ${symbolic.ok ? '100%' : 'FAILED'}`,
);
sampleRss();
console.log(`peak RSS: ${Math.round(peakRss / 1024 / 1024)} MiB`);
