/**
 * @module `@iama/syntax`: Tree-sitter (WebAssembly) parsing for TypeScript, TSX, JavaScript/JSX,
 * Python and Java, plus the symbol and syntax-error queries the context builder and the patch
 * engine share. Load once with `await loadSyntax()`, then everything is synchronous.
 *
 * @example
 * import { loadSyntax, parse, findSymbol, hasSyntaxErrors } from '@iama/syntax';
 * await loadSyntax();
 * const tree = parse('python', src); // tree.rootNode satisfies @iama/context's SyntaxNode
 * tree.delete();
 * findSymbol('typescript', src, 'Repo.find'); // [] not found, [m] unique, [a, b, …] ambiguous
 * hasSyntaxErrors('python', 'def f(:\n'); // true
 */
export { SYNTAX_LANGUAGES, isSyntaxLanguage, grammarPath, type SyntaxLanguage } from './languages';
export {
  loadSyntax,
  isLoaded,
  parse,
  withTree,
  SyntaxParseError,
  type SyntaxTree,
  type SyntaxTreeNode,
} from './parse';
export {
  findSymbol,
  listSymbols,
  symbolsOfNode,
  type SymbolKind,
  type SymbolMatch,
  type SymbolNode,
} from './symbols';
export { hasSyntaxErrors, syntaxProblems, problemsOf, type SyntaxProblem } from './errors';
