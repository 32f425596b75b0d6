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
};

/** Parses source text and returns the root node; the one entry point into Tree-sitter. */
export type ParseFn = (language: AstLanguage, text: string) => SyntaxNode;

/** @example named(root).filter((n) => n.type === 'import_statement') */
export function named(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren.filter((c): c is SyntaxNode => c !== null);
}

/** Text of a node within the source it was parsed from. */
export const textOf = (source: string, node: SyntaxNode) => source.slice(node.startIndex, node.endIndex);
