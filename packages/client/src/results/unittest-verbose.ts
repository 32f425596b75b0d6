/**
 * @module `python -m unittest -v` output → structured results (V1-FR-TEST-003/004), for Python
 * projects without pytest. The verbose status lines give every test; the `FAIL:` / `ERROR:`
 * blocks give the traceback, whose last frame inside the project is the location and whose last
 * line names the exception class.
 */
import { isAbsolute, relative } from 'node:path';
import type { TestCaseResult } from '@iama/contracts';
import { boundExcerpt, uniqueNames } from './excerpt';

// Python ≥ 3.11: `test_x (mod.Cls.test_x) ... ok`; older: `test_x (mod.Cls) ... ok`.
const STATUS_LINE =
  /^(\w+) \(([\w.]+)\)(?:\n.*?)? \.\.\. (ok|FAIL|ERROR|skipped.*|expected failure|unexpected success)$/gm;
const BLOCK =
  /^={50,}\n(FAIL|ERROR): (\w+) \(([\w.]+)\)\n-{50,}\n([\s\S]*?)(?=\n={50,}\n|\n-{50,}\nRan \d+ test)/gm;

const key = (method: string, id: string) => (id.endsWith(`.${method}`) ? id : `${id}.${method}`);

/**
 * @example parseUnittestVerbose(stderr, sandboxDir)
 */
export function parseUnittestVerbose(output: string, root: string): TestCaseResult[] {
  const blocks = new Map<string, string>();
  for (const [, , method = '', id = '', tb = ''] of output.matchAll(BLOCK))
    blocks.set(key(method, id), tb);
  const out: TestCaseResult[] = [];
  for (const [, method = '', id = '', verdict = ''] of output.matchAll(STATUS_LINE)) {
    const name = key(method, id);
    const failed = verdict === 'FAIL' || verdict === 'ERROR' || verdict === 'unexpected success';
    if (!failed) {
      out.push({
        name,
        status: verdict.startsWith('skipped') ? 'SKIPPED' : 'PASSED',
        error_class: null,
        location: null,
        excerpt: null,
        duration_ms: 0,
      });
      continue;
    }
    const tb = blocks.get(name) ?? '';
    out.push({
      name,
      status: 'FAILED',
      error_class:
        errorClassOf(tb) ?? (verdict === 'unexpected success' ? 'UnexpectedSuccess' : 'Error'),
      location: locationOf(tb, root),
      excerpt: boundExcerpt(tb || verdict),
      duration_ms: 0,
    });
  }
  return uniqueNames(out);
}

function errorClassOf(tb: string): string | null {
  const lines = tb.trim().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? '';
    const m = /^([A-Za-z_][\w.]*)(?::|$)/.exec(line);
    if (m?.[1] && !line.startsWith(' ')) return m[1];
  }
  return null;
}

function locationOf(tb: string, root: string): TestCaseResult['location'] {
  let found: TestCaseResult['location'] = null;
  for (const [, file = '', line] of tb.matchAll(/^ {2}File "([^"]+)", line (\d+)/gm)) {
    const rel = isAbsolute(file) ? relative(root, file) : file;
    if (rel.startsWith('..') || isAbsolute(rel)) continue;
    found = { file: rel.split('\\').join('/'), line: Number(line), column: null };
  }
  return found;
}
