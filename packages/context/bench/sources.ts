/**
 * @module Helpers shared by the benchmark and the corpus proof: where real sources live on this
 * machine, and the Tree-sitter parser from `@iama/syntax` when that package is installed.
 */
import { execFileSync } from 'node:child_process';
import type { AstLanguage, ParseFn, SyntaxNode } from '../src/index';

/** The Python standard library directory of the `python3` on PATH. */
export function pythonStdlibDir(): string {
  return execFileSync('python3', ['-c', "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], { encoding: 'utf8' }).trim();
}

type SyntaxModule = { parse(language: string, source: string): { rootNode: SyntaxNode } | SyntaxNode; init?: () => Promise<void> };

/**
 * `@iama/syntax`'s parser adapted to `ParseFn`, or undefined while that package has not landed.
 * The specifier is a variable so the typecheck does not require the package to exist yet.
 */
export async function loadParser(): Promise<ParseFn | undefined> {
  const specifier = '@iama/syntax';
  let mod: SyntaxModule;
  try {
    mod = (await import(specifier)) as SyntaxModule;
  } catch {
    return undefined;
  }
  await mod.init?.();
  return (language: AstLanguage, text: string) => {
    const tree = mod.parse(language, text);
    return 'rootNode' in tree ? tree.rootNode : tree;
  };
}
