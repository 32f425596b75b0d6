/**
 * @module Loading the Tree-sitter runtime and grammars (asynchronous, once) and parsing
 * (synchronous). Indices on the returned nodes are UTF-16 code units, the same units as
 * JavaScript string indices, so `text.slice(node.startIndex, node.endIndex)` is the node's text.
 */
import { Language, Parser, type Tree } from 'web-tree-sitter';
import { grammarPath, isSyntaxLanguage, SYNTAX_LANGUAGES, type SyntaxLanguage } from './languages';

export type { Node as SyntaxTreeNode, Tree as SyntaxTree } from 'web-tree-sitter';

export class SyntaxParseError extends Error {
  constructor(
    readonly code: 'SYNTAX_NOT_LOADED' | 'SYNTAX_UNSUPPORTED_LANGUAGE' | 'SYNTAX_PARSE_FAILED',
    message: string,
  ) {
    super(message);
    this.name = 'SyntaxParseError';
  }
}

let runtime: Promise<void> | undefined;
const loading = new Map<SyntaxLanguage, Promise<void>>();
const parsers = new Map<SyntaxLanguage, Parser>();

/**
 * Initialises the WebAssembly runtime and the grammars of `languages` (all by default).
 * Idempotent and safe to call concurrently; each grammar is loaded at most once.
 * @example await loadSyntax(); parse('python', 'x = 1\n').rootNode.type // 'module'
 * @example await loadSyntax(['typescript']) // only the TypeScript grammar
 */
export async function loadSyntax(
  languages: readonly SyntaxLanguage[] = SYNTAX_LANGUAGES,
): Promise<void> {
  runtime ??= Parser.init();
  await runtime;
  await Promise.all(
    languages.map((language) => {
      let pending = loading.get(language);
      if (!pending) {
        pending = Language.load(grammarPath(language)).then((grammar) => {
          const parser = new Parser();
          parser.setLanguage(grammar);
          parsers.set(language, parser);
        });
        // A failed load may be retried by a later call.
        pending.catch(() => loading.delete(language));
        loading.set(language, pending);
      }
      return pending;
    }),
  );
}

/**
 * True once `loadSyntax` has loaded this language's grammar.
 * @example if (!isLoaded('java')) await loadSyntax(['java']);
 */
export function isLoaded(language: SyntaxLanguage): boolean {
  return parsers.has(language);
}

/**
 * Parses `text` synchronously. Call `tree.delete()` when done: trees live in WebAssembly memory
 * and are not garbage-collected.
 * @example
 * await loadSyntax();
 * const tree = parse('typescript', 'export function f() {}');
 * tree.rootNode.namedChildren[0]?.type; // 'export_statement'
 * tree.delete();
 */
export function parse(language: SyntaxLanguage, text: string): Tree {
  const parser = parsers.get(language);
  if (!parser) {
    if (!isSyntaxLanguage(language))
      throw new SyntaxParseError(
        'SYNTAX_UNSUPPORTED_LANGUAGE',
        `No Tree-sitter grammar for language "${String(language)}".`,
      );
    throw new SyntaxParseError(
      'SYNTAX_NOT_LOADED',
      `Grammar "${language}" is not loaded; await loadSyntax() first.`,
    );
  }
  const tree = parser.parse(text);
  if (!tree)
    throw new SyntaxParseError(
      'SYNTAX_PARSE_FAILED',
      `Tree-sitter returned no tree for ${language}.`,
    );
  return tree;
}

/**
 * Parses, runs `use` on the tree and frees the tree, also when `use` throws.
 * @example withTree('python', src, (t) => t.rootNode.hasError)
 */
export function withTree<T>(language: SyntaxLanguage, text: string, use: (tree: Tree) => T): T {
  const tree = parse(language, text);
  try {
    return use(tree);
  } finally {
    tree.delete();
  }
}
