/**
 * @module `npm run bench`: index a 5,000-file tree built in a temp dir from real sources on this
 * machine (TypeScript/JavaScript under node_modules, the Python standard library). Prints files/s
 * and peak RSS for walk + filters, secret scan and Tree-sitter analysis (`@iama/syntax`);
 * asserts nothing (ARCHITECTURE §5).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { indexWorkspace, scanSecrets, walkWorkspace, type ParseFn } from '../src/index';
import { loadParser, pythonStdlibDir } from './sources';

const TARGET_FILES = 5_000;
const repoRoot = join(import.meta.dirname, '..', '..', '..');

function collect(root: string, exts: RegExp, limit: number): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (out.length >= limit) return;
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (out.length >= limit) return;
      const p = join(dir, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else if (exts.test(name) && st.size < 200_000) out.push(p);
    }
  };
  walk(root);
  return out;
}

const sources = [
  ...collect(join(repoRoot, 'node_modules'), /\.(?:ts|js|mjs|cjs|tsx)$/, 3_500),
  ...collect(pythonStdlibDir(), /\.py$/, TARGET_FILES),
].slice(0, TARGET_FILES);
const tree = mkdtempSync(join(tmpdir(), 'iama-index-bench-'));
sources.forEach((src, i) => {
  // Renamed so the default ignores (node_modules/) do not hide the copied sources.
  const rel = relative('/', src)
    .replace(/[^\w./-]/g, '_')
    .replace(/node_modules/g, 'deps');
  const dest = join(tree, `f${i % 50}`, rel);
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(src, dest);
});

const parse: ParseFn = await loadParser();
const began = performance.now();
const snapshot = walkWorkspace(tree);
const walked = performance.now();
let findings = 0;
for (const f of snapshot.files) findings += scanSecrets(f.path, f.text).length;
const scanned = performance.now();
const cpuBefore = process.cpuUsage();
const analyses = [
  ...indexWorkspace(snapshot.files, parse, snapshot.exclusions).analyses.values(),
].filter((a) => a.analysed);
const done = performance.now();
const analysisCpu = process.cpuUsage(cpuBefore);
rmSync(tree, { recursive: true, force: true });

const seconds = (done - began) / 1_000;
const total = snapshot.files.length + snapshot.exclusions.length;
console.log(
  JSON.stringify(
    {
      bench: 'context index',
      files_in_tree: sources.length,
      files_seen: total,
      admitted: snapshot.files.length,
      excluded: snapshot.exclusions.length,
      secret_findings: findings,
      tree_sitter_analysed: analyses.length,
      parsed_cleanly: analyses.filter((a) => a.parsedCleanly).length,
      walk_and_filter_ms: Math.round(walked - began),
      secret_scan_ms: Math.round(scanned - walked),
      analysis_ms: Math.round(done - scanned),
      // CPU time of the analysis alone: wall time on a shared machine also counts other processes.
      analysis_cpu_ms: Math.round((analysisCpu.user + analysisCpu.system) / 1_000),
      analysed_files_per_cpu_second: Math.round(
        analyses.length / ((analysisCpu.user + analysisCpu.system) / 1e6),
      ),
      files_per_second: Math.round(total / seconds),
      peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024),
    },
    null,
    2,
  ),
);
