/**
 * @module Helpers shared by the benchmark, the corpus proof and the fixture tests: where real
 * sources live on this machine, and the Tree-sitter parser from `@iama/syntax`.
 */
import { execFileSync } from 'node:child_process';
import { loadSyntax, parse } from '@iama/syntax';
import type { ParseFn } from '../src/index';

/** The Python standard library directory of the `python3` on PATH. */
export function pythonStdlibDir(): string {
  return execFileSync(
    'python3',
    ['-c', "import sysconfig; print(sysconfig.get_paths()['stdlib'])"],
    { encoding: 'utf8' },
  ).trim();
}

/**
 * `@iama/syntax`'s parser with every grammar loaded; it satisfies `ParseFn` as is.
 * @example const parse = await loadParser(); indexWorkspace(files, parse)
 */
export async function loadParser(): Promise<ParseFn> {
  await loadSyntax();
  return parse;
}
