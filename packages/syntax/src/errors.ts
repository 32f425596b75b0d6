/**
 * @module Syntax-error detection: whether a text parses cleanly, and where it does not. Used to
 * reject an edit whose result no longer parses (V1-FR-DEL-004) and to count the parse rate of
 * PRD V1 §5.1.
 */
import type { Node, Tree } from 'web-tree-sitter';
import type { SyntaxLanguage } from './languages';
import { withTree } from './parse';

export type SyntaxProblem = {
  /** `error`: text the grammar could not place; `missing`: a token the parser had to invent. */
  kind: 'error' | 'missing';
  startIndex: number;
  endIndex: number;
  /** 1-based line and 0-based UTF-16 column of the start. */
  line: number;
  column: number;
};

/**
 * @example hasSyntaxErrors('python', 'def f(:\n') // true
 * @example hasSyntaxErrors('typescript', 'const a = 1;') // false
 */
export function hasSyntaxErrors(language: SyntaxLanguage, text: string): boolean {
  return withTree(language, text, (tree) => tree.rootNode.hasError);
}

/**
 * The outermost ERROR and MISSING nodes, in source order, at most `limit` of them.
 * @example syntaxProblems('typescript', 'function f( {')[0] // { kind: 'missing', line: 1, … }
 */
export function syntaxProblems(
  language: SyntaxLanguage,
  text: string,
  limit = 20,
): SyntaxProblem[] {
  return withTree(language, text, (tree) => problemsOf(tree, limit));
}

/**
 * Like `syntaxProblems` on an already parsed tree.
 * @example problemsOf(parse('java', 'class A {')).length // 1
 */
export function problemsOf(tree: Tree, limit = 20): SyntaxProblem[] {
  const out: SyntaxProblem[] = [];
  const visit = (node: Node) => {
    if (out.length >= limit) return;
    if (node.isError || node.isMissing) {
      out.push({
        kind: node.isMissing ? 'missing' : 'error',
        startIndex: node.startIndex,
        endIndex: node.endIndex,
        line: node.startPosition.row + 1,
        column: node.startPosition.column,
      });
      return;
    }
    for (const child of node.children) if (child?.hasError || child?.isMissing) visit(child);
  };
  if (tree.rootNode.hasError) visit(tree.rootNode);
  return out;
}
