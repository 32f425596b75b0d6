/**
 * @module What the engine needs from Tree-sitter, as a small structural type: the language of a
 * path, definitions of a qualified symbol, and whether text parses cleanly. The engine stays
 * synchronous and pure; `loadAstSupport` (ast-support-syntax.ts) builds this from `@iama/syntax`.
 */

/** Languages with AST-symbolic operations (issue #3; PRD V1 §20 PoC #2). */
export const AST_EDIT_LANGUAGES = ['typescript', 'tsx', 'javascript', 'python'] as const;
export type AstEditLanguage = (typeof AST_EDIT_LANGUAGES)[number];

/**
 * One definition of a symbol: the declaration range (export keyword and decorators included)
 * an operation replaces, follows or removes, and where its attached leading comment starts
 * (`docStartIndex === startIndex` when it has none). UTF-16 offsets.
 */
export type SymbolRange = { startIndex: number; endIndex: number; docStartIndex: number };

/** A syntax problem of an edited file, 1-based line and column, for the failure report. */
export type SyntaxProblemLocation = { line: number; column: number };

export type AstSupport = {
  /** The AST-edit language of a workspace path, or undefined when only exact edits apply. */
  languageOf(path: string): AstEditLanguage | undefined;
  /** Every definition named by the qualified symbol (e.g. `Order.total`) in `text`. */
  findSymbol(language: AstEditLanguage, text: string, symbol: string): SymbolRange[];
  /** Syntax problems of `text`; empty when it parses cleanly. */
  syntaxProblems(language: AstEditLanguage, text: string): SyntaxProblemLocation[];
};
