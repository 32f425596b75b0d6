/**
 * @module `AstSupport` backed by `@iama/syntax` (Tree-sitter via WebAssembly) and the context
 * builder's source allowlist. Loading the grammars is the only asynchronous step; the engine
 * itself stays synchronous.
 */
import { languageFromPath } from '@iama/context';
import { listSymbols, loadSyntax, syntaxProblems, type SymbolMatch } from '@iama/syntax';
import { AST_EDIT_LANGUAGES, type AstEditLanguage, type AstSupport } from './ast-support';

const isAstEditLanguage = (l: string): l is AstEditLanguage =>
  (AST_EDIT_LANGUAGES as readonly string[]).includes(l);

/**
 * Loads the TypeScript, TSX, JavaScript and Python grammars once and returns the engine's view of them.
 * @example const ast = await loadAstSupport(); applyPatchEdit(tree, patch, { ast })
 */
export async function loadAstSupport(): Promise<AstSupport> {
  await loadSyntax(AST_EDIT_LANGUAGES);
  let last: { language: AstEditLanguage; text: string; symbols: SymbolMatch[] } | undefined;
  return {
    languageOf(path) {
      const verdict = languageFromPath(path);
      return verdict.kind === 'source' && isAstEditLanguage(verdict.language)
        ? verdict.language
        : undefined;
    },
    findSymbol(language, text, symbol) {
      // Several operations on one file resolve against the same base: parse it once.
      if (last?.language !== language || last.text !== text)
        last = { language, text, symbols: listSymbols(language, text) };
      return last.symbols
        .filter((m) => m.path === symbol)
        .map((m) => ({
          startIndex: m.startIndex,
          endIndex: m.endIndex,
          docStartIndex: m.docStartIndex,
        }));
    },
    syntaxProblems: (language, text) =>
      syntaxProblems(language, text).map((p) => ({ line: p.line, column: p.column + 1 })),
  };
}
