/**
 * @module Import statements of a parsed file (V1-FR-CTX-001). Tree-sitter locates the
 * statements; the statement text is then read with small patterns, which keeps this stable
 * across grammar versions whose field names differ.
 */
import type { AstLanguage } from '../filters/language';
import { named, textOf, type SyntaxNode } from './syntax-node';

export type ImportRef = {
  /** Module as written: `./repo`, `pkg.models`, `.models`, `com.acme.Repo`. */
  specifier: string;
  /** Imported names; `*` for the whole module (namespace, default, `import m`, wildcard). */
  names: string[];
  /** TypeScript `import type` / `export type … from`: a type-only, hence critical, dependency. */
  typeOnly: boolean;
  line: number;
};

/**
 * @example extractImports('typescript', root, "import { Repo } from './repo';") // [{ specifier: './repo', names: ['Repo'], ... }]
 */
export function extractImports(
  language: AstLanguage,
  root: SyntaxNode,
  source: string,
): ImportRef[] {
  const out: ImportRef[] = [];
  const lines = lineCounter(source);
  if (language === 'java') {
    for (const n of named(root)) {
      if (n.type !== 'import_declaration') continue;
      const m = /^import\s+(static\s+)?([\w.]+?)(\.\*)?\s*;/.exec(
        textOf(source, n).replace(/\s+/g, ' '),
      );
      if (m)
        out.push({
          specifier: m[2]!,
          names: m[3] ? ['*'] : [m[2]!.slice(m[2]!.lastIndexOf('.') + 1)],
          typeOnly: false,
          line: lines(n.startIndex),
        });
    }
    return out;
  }
  if (language === 'python') {
    // Imports may sit in any block (functions, try/except); the text proposes, the tree confirms
    // (a match inside a string or comment is not a statement starting there).
    for (const at of keywordIndices(source, /\b(?:from|import)\b/g)) {
      const n = root.namedDescendantForIndex(at, at + 1);
      if (n?.startIndex !== at || !PY_IMPORTS.has(n.type)) continue;
      out.push(...pythonImport(textOf(source, n), lines(at)));
    }
    return out;
  }
  // ES static imports and re-exports are top-level statements.
  for (const n of named(root)) {
    if (
      n.type === 'import_statement' ||
      (n.type === 'export_statement' && n.childForFieldName('source'))
    ) {
      const ref = esImport(textOf(source, n), lines(n.startIndex));
      if (ref) out.push(ref);
    }
  }
  // `require('x')` and `import('x')` anywhere: located by text, confirmed as a call by the tree.
  for (const m of source.matchAll(/\b(?:require|import)\s*\(\s*(['"`])([^'"`\n]+)\1\s*\)/g)) {
    const end = m.index + m[0].length;
    const n = root.namedDescendantForIndex(m.index, end - 1);
    if (n?.type === 'call_expression' && n.startIndex === m.index && n.endIndex === end) {
      out.push({ specifier: m[2]!, names: ['*'], typeOnly: false, line: lines(m.index) });
    }
  }
  return out.sort((a, b) => a.line - b.line);
}

const PY_IMPORTS = new Set([
  'import_statement',
  'import_from_statement',
  'future_import_statement',
]);

function keywordIndices(source: string, pattern: RegExp): number[] {
  return [...source.matchAll(pattern)].map((m) => m.index);
}

/** 1-based line of an index; indices must be asked in ascending order for linear cost. */
function lineCounter(source: string): (index: number) => number {
  let line = 1;
  let at = 0;
  return (index) => {
    if (index < at) {
      line = 1;
      at = 0;
    }
    for (let i = source.indexOf('\n', at); i !== -1 && i < index; i = source.indexOf('\n', i + 1)) {
      line++;
      at = i + 1;
    }
    return line;
  };
}

const ES_SOURCE = /\bfrom\s*(['"])([^'"]+)\1|^import\s*(['"])([^'"]+)\3/;

function esImport(text: string, line: number): ImportRef | undefined {
  const flat = text
    .replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const equals = /^import\s+(?:type\s+)?[\w$]+\s*=\s*require\s*\(\s*(['"])([^'"]+)\1\s*\)/.exec(
    flat,
  );
  if (equals) return { specifier: equals[2]!, names: ['*'], typeOnly: false, line };
  const src = ES_SOURCE.exec(flat);
  if (!src) return undefined;
  const specifier = (src[2] ?? src[4])!;
  const typeOnly = /^(?:import|export) type\b/.test(flat);
  const clause = flat
    .replace(/^(?:import|export)\s+(?:type\s+)?/, '')
    .replace(/\s*from\s*['"][^'"]+['"].*$/, '');
  const names: string[] = [];
  const braces = /\{([^}]*)\}/.exec(clause);
  if (braces) {
    for (const part of braces[1]!.split(',')) {
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)[0]!
        .trim();
      if (name) names.push(name);
    }
  }
  const outside = clause
    .replace(/\{[^}]*\}/, '')
    .replace(/,/g, ' ')
    .trim();
  // A default or namespace import (or a bare side-effect import) uses the module as a whole.
  if (outside || !braces) names.push('*');
  return { specifier, names, typeOnly, line };
}

function pythonImport(text: string, line: number): ImportRef[] {
  const flat = text
    .replace(/#[^\n]*/g, ' ')
    .replace(/[()\\]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const from = /^from\s+(\S+)\s+import\s+(.+)$/.exec(flat);
  if (from) {
    const names = from[2]!
      .split(',')
      .map((p) =>
        p
          .trim()
          .split(/\s+as\s+/)[0]!
          .trim(),
      )
      .filter(Boolean);
    return [{ specifier: from[1]!, names, typeOnly: false, line }];
  }
  const plain = /^import\s+(.+)$/.exec(flat);
  if (!plain) return [];
  return plain[1]!
    .split(',')
    .map((p) =>
      p
        .trim()
        .split(/\s+as\s+/)[0]!
        .trim(),
    )
    .filter(Boolean)
    .map((specifier) => ({ specifier, names: ['*'], typeOnly: false, line }));
}
