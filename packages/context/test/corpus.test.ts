/**
 * @module Corpus proof on code nobody here wrote (issue #3; PRD V1 §5.1, §20 PoC #2,
 * V1-FR-CTX-007): a bounded, deterministic sample of TypeScript/JavaScript under node_modules,
 * the Python standard library, and Java (commons-lang3 sources when cached, else a JDK's src.zip).
 * Prints admission, parse rate, symbol resolution rate and the confidence distribution, with
 * Tree-sitter from `@iama/syntax`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  analyzeFile,
  anchorStats,
  classifyContent,
  confidenceScore,
  type SourceFile,
} from '../src/index';
import { loadParser, pythonStdlibDir } from '../bench/sources';

const PER_LANGUAGE = 250;
const repoRoot = join(import.meta.dirname, '..', '..', '..');
const temp: string[] = [];
after(() => temp.forEach((d) => rmSync(d, { recursive: true, force: true })));

function listFiles(root: string, pattern: RegExp): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (st?.isDirectory()) walk(p);
      else if (st?.isFile() && pattern.test(name)) out.push(p);
    }
  };
  walk(root);
  return out;
}

/** Every k-th file of the sorted list: bounded and the same on every run. */
const sample = (files: string[]) =>
  files
    .filter((_, i) => i % Math.max(1, Math.floor(files.length / PER_LANGUAGE)) === 0)
    .slice(0, PER_LANGUAGE);

/**
 * Java sources: the commons-lang3 sources jar when Maven has it cached, else the `java.util`
 * sources of an installed JDK's `src.zip` (OpenJDK, current Java syntax).
 */
function javaSources(): { files: string[]; note?: string } {
  const jar = join(
    homedir(),
    '.m2/repository/org/apache/commons/commons-lang3/3.14.0/commons-lang3-3.14.0-sources.jar',
  );
  const jvm = '/usr/lib/jvm';
  const jdkZips = existsSync(jvm)
    ? readdirSync(jvm)
        .sort()
        .map((d) => join(jvm, d, 'lib', 'src.zip'))
    : [];
  // existsSync follows symlinks, so a JDK whose source package is not installed is skipped.
  const archive = [jar, ...jdkZips].find((p) => existsSync(p));
  if (!archive)
    return {
      files: [],
      note: 'Java corpus skipped: no commons-lang3 sources jar and no JDK src.zip on this machine',
    };
  const prefix = archive === jar ? '' : 'java.base/java/util/';
  const dir = mkdtempSync(join(tmpdir(), 'iama-corpus-java-'));
  temp.push(dir);
  const extract =
    'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nz.extractall(sys.argv[2], [n for n in z.namelist() if n.startswith(sys.argv[3])])';
  execFileSync('python3', ['-c', extract, archive, dir, prefix]);
  console.log(`# java corpus: ${archive}${prefix ? ` (${prefix})` : ''}`);
  return { files: listFiles(dir, /\.java$/) };
}

const java = javaSources();
const corpora: Array<[string, string[]]> = [
  [
    'typescript/javascript',
    sample(listFiles(join(repoRoot, 'node_modules'), /\.(?:ts|tsx|js|mjs|cjs)$/)),
  ],
  ['python', sample(listFiles(pythonStdlibDir(), /\.py$/))],
  ['java', sample(java.files)],
];
const parse = await loadParser();

void test('V1-FR-CTX-007 corpus: the file gate admits real source and explains every refusal', () => {
  for (const [name, files] of corpora) {
    if (files.length === 0) {
      console.log(`# ${name}: ${java.note ?? 'no files found'}`);
      continue;
    }
    const reasons: Record<string, number> = {};
    let admitted = 0;
    for (const f of files) {
      const v = classifyContent(f, readFileSync(f));
      if (v.ok) admitted++;
      else reasons[v.exclusion.reason] = (reasons[v.exclusion.reason] ?? 0) + 1;
    }
    console.log(
      `# ${name}: ${files.length} sampled, ${admitted} admitted, refused ${JSON.stringify(reasons)}`,
    );
    assert.ok(admitted > 0, `${name}: nothing admitted`);
  }
});

void test('PRD V1 §5.1 corpus: parse rate, symbol resolution rate, confidence distribution', () => {
  for (const [name, files] of corpora) {
    const admitted: SourceFile[] = [];
    for (const f of files) {
      const v = classifyContent(f, readFileSync(f));
      if (v.ok) admitted.push(v.file);
    }
    if (admitted.length === 0) continue;
    let clean = 0;
    let candidates = 0;
    let unique = 0;
    const buckets = { '<20': 0, '20-39': 0, '40-59': 0, '60-79': 0, '80-100': 0 };
    for (const file of admitted) {
      const a = analyzeFile(file, parse);
      const s = anchorStats(a.declarations);
      if (a.parsedCleanly) clean++;
      candidates += s.candidates;
      unique += s.unique;
      // Each file scored as a one-target job sent whole.
      const c = confidenceScore({
        parseRate: a.parsedCleanly ? 1 : 0,
        symbolRate: s.candidates ? s.unique / s.candidates : 1,
        snippetCompleteness: a.parsedCleanly ? 1 : 0,
      }).score;
      buckets[c < 20 ? '<20' : c < 40 ? '20-39' : c < 60 ? '40-59' : c < 80 ? '60-79' : '80-100']++;
    }
    const parseRate = clean / admitted.length;
    const symbolRate = candidates ? unique / candidates : 1;
    console.log(
      `# ${name}: parse rate ${(parseRate * 100).toFixed(1)}%, symbol resolution ${(symbolRate * 100).toFixed(1)}% (${unique}/${candidates}), confidence ${JSON.stringify(buckets)}`,
    );
    assert.ok(parseRate >= 0.8, `${name}: parse rate ${parseRate}`);
    assert.ok(symbolRate >= 0.7, `${name}: symbol rate ${symbolRate}`);
  }
});
