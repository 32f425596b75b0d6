/**
 * @module The languages `@iama/syntax` parses and where each grammar's WebAssembly build lives.
 * Grammars come from the upstream npm grammar packages (which ship a `.wasm` beside their unused
 * native addon), resolved on disk — nothing is downloaded at run time.
 */
import { createRequire } from 'node:module';

/** Languages with a Tree-sitter grammar here; JSX is parsed by the `javascript` grammar. */
export const SYNTAX_LANGUAGES = ['typescript', 'tsx', 'javascript', 'python', 'java'] as const;
export type SyntaxLanguage = (typeof SYNTAX_LANGUAGES)[number];

const GRAMMAR_FILES: Record<SyntaxLanguage, string> = {
  typescript: 'tree-sitter-typescript/tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-typescript/tree-sitter-tsx.wasm',
  javascript: 'tree-sitter-javascript/tree-sitter-javascript.wasm',
  python: 'tree-sitter-python/tree-sitter-python.wasm',
  java: 'tree-sitter-java/tree-sitter-java.wasm',
};

const require = createRequire(import.meta.url);

/**
 * Absolute path of a grammar's `.wasm` file.
 * @example grammarPath('python') // '/…/node_modules/tree-sitter-python/tree-sitter-python.wasm'
 */
export function grammarPath(language: SyntaxLanguage): string {
  return require.resolve(GRAMMAR_FILES[language]);
}

/** @example isSyntaxLanguage('tsx') // true; isSyntaxLanguage('go') // false */
export function isSyntaxLanguage(value: string): value is SyntaxLanguage {
  return (SYNTAX_LANGUAGES as readonly string[]).includes(value);
}
