/**
 * @module Declarations of a parsed file — functions, classes, methods, interfaces, types, enums,
 * namespaces, variables — with the ranges of their implementation bodies, so a dependency can be
 * sent whole or as signatures only (V1-FR-CTX-001, 004) and targets' anchor candidates can be
 * counted (PRD V1 §5.1 symbol resolution). The declarations are `@iama/syntax`'s symbols, the
 * same ones the patch engine anchors `AST_SYMBOLIC` edits on, so the confidence score measures
 * exactly what an edit will be able to find.
 */
import { symbolsOfNode, type SymbolMatch } from '@iama/syntax';
import type { AstLanguage } from '../filters/language';
import type { DeclarationKind } from '../build/slice';
import type { SyntaxNode } from './syntax-node';

export type Declaration = {
  name: string;
  /** `Class.method` for members; equal to `name` at top level. */
  qualifiedName: string;
  kind: DeclarationKind;
  /** Range including `export`, decorators and annotations that belong to the declaration. */
  startIndex: number;
  endIndex: number;
  /** TS/JS: written with `export`; Python: a public name; Java: always. */
  exported: boolean;
  /** Implementation bodies to strip for a signature-only slice (a class lists its members' bodies). */
  bodies: Array<[number, number]>;
  /** Set on members: the qualified name of the enclosing declaration. */
  parent?: string;
};

/**
 * Lists the declarations of a file in source order (containers before their members).
 * @example outline('typescript', parse('typescript', src).rootNode, src).map((d) => d.qualifiedName) // ['Repo', 'Repo.find']
 */
export function outline(language: AstLanguage, root: SyntaxNode, source: string): Declaration[] {
  const symbols = symbolsOfNode(language, root, source);
  const own = symbols.map((s) => ownBody(language, source, s));
  return symbols.map((s, i) => {
    const dot = s.path.lastIndexOf('.');
    const bodies: Array<[number, number]> = own[i] ? [own[i]] : [];
    if (s.kind === 'class' || s.kind === 'namespace') {
      // A container's signature keeps its members' signatures and drops their bodies.
      const prefix = `${s.path}.`;
      symbols.forEach((m, j) => {
        if (m.path.startsWith(prefix) && own[j]) bodies.push(own[j]);
      });
    }
    return {
      name: s.name,
      qualifiedName: s.path,
      kind: s.kind,
      startIndex: s.startIndex,
      endIndex: s.endIndex,
      exported:
        language === 'java' || (language === 'python' ? isPublicPython(s.name) : s.exported),
      bodies,
      ...(dot === -1 ? {} : { parent: s.path.slice(0, dot) }),
    };
  });
}

/** The body a signature-only slice replaces: a function's or method's block, never a type's. */
function ownBody(
  language: AstLanguage,
  source: string,
  s: SymbolMatch,
): [number, number] | undefined {
  if ((s.kind !== 'function' && s.kind !== 'method') || !s.body) return undefined;
  // Expression-bodied arrows (`(n) => n * 2`) are their own signature.
  if (language !== 'python' && source[s.body.startIndex] !== '{') return undefined;
  return [s.body.startIndex, s.body.endIndex];
}

const isPublicPython = (name: string) =>
  !name.startsWith('_') || (name.startsWith('__') && name.endsWith('__'));

/**
 * The declaration's text with its bodies replaced by an empty body, still valid syntax:
 * `{ /* … *\/ }` for brace languages, `...` for Python.
 * @example signatureText('python', 'def f(x):\n    return x\n', d) // 'def f(x):\n    ...'
 */
export function signatureText(language: AstLanguage, source: string, d: Declaration): string {
  const placeholder = language === 'python' ? '...' : '{ /* body omitted */ }';
  let text = '';
  let at = d.startIndex;
  for (const [start, end] of [...d.bodies].sort((a, b) => a[0] - b[0])) {
    if (start < at) continue;
    text += source.slice(at, start) + placeholder;
    at = end;
  }
  return text + source.slice(at, d.endIndex);
}
