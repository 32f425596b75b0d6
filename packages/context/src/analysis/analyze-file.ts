/**
 * @module One file's analysis: parse status, declarations and imports (V1-FR-CTX-001; PRD V1
 * §5.1 parse rate and anchor candidates). Files in languages without Tree-sitter support get no
 * analysis and are edited with `EXACT_SEARCH_REPLACE` only.
 */
import type { SourceFile } from '../filters/classify';
import { isAstLanguage } from '../filters/language';
import { extractImports, type ImportRef } from './imports';
import { outline, type Declaration } from './outline';
import type { ParseFn } from './syntax-node';

export type FileAnalysis = {
  path: string;
  /** False for languages without Tree-sitter analysis. */
  analysed: boolean;
  /** Parsed without ERROR or MISSING nodes. */
  parsedCleanly: boolean;
  declarations: Declaration[];
  imports: ImportRef[];
};

/**
 * Analyses one file and frees its parse tree.
 * @example analyzeFile({ path: 'a.py', language: 'python', text: 'def f():\n  pass\n' }, parse).declarations[0].name // 'f'
 */
export function analyzeFile(file: SourceFile, parse: ParseFn): FileAnalysis {
  if (!isAstLanguage(file.language))
    return {
      path: file.path,
      analysed: false,
      parsedCleanly: false,
      declarations: [],
      imports: [],
    };
  let tree;
  try {
    tree = parse(file.language, file.text);
  } catch {
    return { path: file.path, analysed: true, parsedCleanly: false, declarations: [], imports: [] };
  }
  try {
    const root = tree.rootNode;
    return {
      path: file.path,
      analysed: true,
      parsedCleanly: !root.hasError,
      declarations: outline(file.language, root, file.text),
      imports: extractImports(file.language, root, file.text),
    };
  } finally {
    // The analysis is plain data; the tree is not kept.
    tree.delete?.();
  }
}

/**
 * Anchor candidates of PRD V1 §5.1: named functions, classes and methods. A candidate counts as
 * resolvable only when its qualified name occurs exactly once in the file (overloads and
 * redefinitions are ambiguous anchors).
 * @example anchorStats(analysis.declarations) // { candidates: 4, unique: 3 }
 */
export function anchorStats(declarations: readonly Declaration[]): {
  candidates: number;
  unique: number;
} {
  const counts = new Map<string, number>();
  let candidates = 0;
  for (const d of declarations) {
    if (d.kind !== 'function' && d.kind !== 'class' && d.kind !== 'method') continue;
    candidates++;
    counts.set(d.qualifiedName, (counts.get(d.qualifiedName) ?? 0) + 1);
  }
  let unique = 0;
  for (const n of counts.values()) if (n === 1) unique++;
  return { candidates, unique };
}
