/**
 * @module The slice of a Tree-sitter node this package reads. `@iama/syntax` returns
 * web-tree-sitter trees; keeping analysis on this structural type keeps it independent of the
 * loader and the grammar versions. Indices are UTF-16 code units, as in web-tree-sitter.
 */
import type { AstLanguage } from '../filters/language';

export type SyntaxNode = {
  readonly type: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly namedChildren: ReadonlyArray<SyntaxNode | null>;
  childForFieldName(name: string): SyntaxNode | null;
  /** True when the subtree holds an ERROR or MISSING node. */
  readonly hasError: boolean;
  /** The smallest named node spanning `startIndex…endIndex` (inclusive); located inside Tree-sitter, without walking children here. */
  namedDescendantForIndex(startIndex: number, endIndex?: number): SyntaxNode | null;
};

/** A parsed file. `delete` frees a tree that lives outside the JS heap (web-tree-sitter's WebAssembly memory). */
export type ParsedTree = { readonly rootNode: SyntaxNode; delete?(): void };

/**
 * Parses source text; the one entry point into Tree-sitter. `@iama/syntax`'s `parse` is one.
 * @example const parse: ParseFn = (await import('@iama/syntax')).parse
 */
export type ParseFn = (language: AstLanguage, text: string) => ParsedTree;

/** @example named(root).filter((n) => n.type === 'import_statement') */
export function named(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren.filter((c): c is SyntaxNode => c !== null);
}

/** Text of a node within the source it was parsed from. */
export const textOf = (source: string, node: SyntaxNode) =>
  source.slice(node.startIndex, node.endIndex);
