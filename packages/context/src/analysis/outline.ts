/**
 * @module Declarations of a parsed file — functions, classes, methods, interfaces, types, enums,
 * exported variables — with the ranges of their implementation bodies, so a dependency can be
 * sent whole or as signatures only (V1-FR-CTX-001, 004) and targets' anchor candidates can be
 * counted (PRD V1 §5.1 symbol resolution).
 */
import type { AstLanguage } from '../filters/language';
import type { DeclarationKind } from '../build/slice';
import { named, textOf, type SyntaxNode } from './syntax-node';

export type Declaration = {
  name: string;
  /** `Class.method` for members; equal to `name` at top level. */
  qualifiedName: string;
  kind: DeclarationKind;
  /** Range including `export`, decorators and annotations that belong to the declaration. */
  startIndex: number;
  endIndex: number;
  exported: boolean;
  /** Implementation bodies to strip for a signature-only slice (a class lists its methods' bodies). */
  bodies: Array<[number, number]>;
  /** Set on methods: the qualified name of the enclosing class. */
  parent?: string;
};

const TS_KINDS: Record<string, DeclarationKind> = {
  function_declaration: 'function',
  generator_function_declaration: 'function',
  // Overload signatures: part of the interface, and they make the name an ambiguous anchor.
  function_signature: 'function',
  class_declaration: 'class',
  abstract_class_declaration: 'class',
  interface_declaration: 'interface',
  type_alias_declaration: 'type',
  enum_declaration: 'enum',
};

const JAVA_KINDS: Record<string, DeclarationKind> = {
  class_declaration: 'class',
  interface_declaration: 'interface',
  enum_declaration: 'enum',
  record_declaration: 'class',
  annotation_type_declaration: 'interface',
};

/** Methods with a body and bodiless overload / abstract signatures, as `@iama/syntax` lists them. */
const CLASS_MEMBERS = new Set([
  'method_definition',
  'method_signature',
  'abstract_method_signature',
]);

const FUNCTION_VALUES = new Set([
  'arrow_function',
  'function_expression',
  'function',
  'generator_function',
]);

/**
 * Lists the declarations of a file in source order (top level and class members).
 * @example outline('typescript', parse('typescript', src), src).map((d) => d.qualifiedName) // ['Repo', 'Repo.find']
 */
export function outline(language: AstLanguage, root: SyntaxNode, source: string): Declaration[] {
  const out: Declaration[] = [];
  if (language === 'python') pythonBlock(root, source, out, undefined);
  else if (language === 'java') javaBody(root, source, out, undefined);
  else tsStatements(root, source, out);
  return out;
}

function nameOf(node: SyntaxNode, source: string): string | undefined {
  const n = node.childForFieldName('name');
  return n ? textOf(source, n) : undefined;
}

function tsStatements(container: SyntaxNode, source: string, out: Declaration[]): void {
  for (const child of named(container)) {
    let decl = child;
    let exported = false;
    if (child.type === 'export_statement') {
      const inner =
        child.childForFieldName('declaration') ??
        named(child).find((c) => TS_KINDS[c.type] || c.type.endsWith('_declaration'));
      if (!inner) continue;
      decl = inner;
      exported = true;
    }
    tsDeclaration(decl, child, exported, source, out);
  }
}

function tsDeclaration(
  decl: SyntaxNode,
  outer: SyntaxNode,
  exported: boolean,
  source: string,
  out: Declaration[],
): void {
  const kind = TS_KINDS[decl.type];
  if (kind) {
    const name = nameOf(decl, source);
    if (!name) return;
    const d: Declaration = {
      name,
      qualifiedName: name,
      kind,
      startIndex: outer.startIndex,
      endIndex: outer.endIndex,
      exported,
      bodies: [],
    };
    out.push(d);
    if (kind === 'function') pushBody(d, decl.childForFieldName('body'));
    if (kind === 'class') {
      const body = decl.childForFieldName('body');
      for (const member of body ? named(body) : []) {
        if (!CLASS_MEMBERS.has(member.type)) continue;
        const mname = nameOf(member, source);
        const mbody = member.childForFieldName('body');
        if (!mname) continue;
        if (mbody) d.bodies.push([mbody.startIndex, mbody.endIndex]);
        out.push({
          name: mname,
          qualifiedName: `${name}.${mname}`,
          kind: 'method',
          startIndex: member.startIndex,
          endIndex: member.endIndex,
          exported,
          bodies: mbody ? [[mbody.startIndex, mbody.endIndex]] : [],
          parent: name,
        });
      }
    }
    return;
  }
  if (decl.type === 'lexical_declaration' || decl.type === 'variable_declaration') {
    for (const declarator of named(decl)) {
      if (declarator.type !== 'variable_declarator') continue;
      const nameNode = declarator.childForFieldName('name');
      if (!nameNode || nameNode.type !== 'identifier') continue;
      const value = declarator.childForFieldName('value');
      const isFn = value !== null && FUNCTION_VALUES.has(value.type);
      if (!isFn && !exported) continue;
      const d: Declaration = {
        name: textOf(source, nameNode),
        qualifiedName: textOf(source, nameNode),
        kind: isFn ? 'function' : 'variable',
        startIndex: outer.startIndex,
        endIndex: outer.endIndex,
        exported,
        bodies: [],
      };
      const body = isFn ? value.childForFieldName('body') : null;
      if (body?.type === 'statement_block') pushBody(d, body);
      out.push(d);
    }
  }
}

function pushBody(d: Declaration, body: SyntaxNode | null): void {
  if (body) d.bodies.push([body.startIndex, body.endIndex]);
}

function pythonBlock(
  block: SyntaxNode,
  source: string,
  out: Declaration[],
  parent: string | undefined,
): void {
  for (const child of named(block)) {
    const def =
      child.type === 'decorated_definition' ? child.childForFieldName('definition') : child;
    if (!def || (def.type !== 'function_definition' && def.type !== 'class_definition')) continue;
    const name = nameOf(def, source);
    const body = def.childForFieldName('body');
    if (!name || !body) continue;
    const qualifiedName = parent ? `${parent}.${name}` : name;
    const isClass = def.type === 'class_definition';
    const d: Declaration = {
      name,
      qualifiedName,
      kind: isClass ? 'class' : parent ? 'method' : 'function',
      startIndex: child.startIndex,
      endIndex: child.endIndex,
      exported: !name.startsWith('_') || (name.startsWith('__') && name.endsWith('__')),
      bodies: isClass ? [] : [[body.startIndex, body.endIndex]],
      ...(parent ? { parent } : {}),
    };
    out.push(d);
    if (isClass) {
      const before = out.length;
      pythonBlock(body, source, out, qualifiedName);
      for (const m of out.slice(before))
        if (m.parent === qualifiedName && m.kind === 'method') d.bodies.push(...m.bodies);
    }
  }
}

function javaBody(
  container: SyntaxNode,
  source: string,
  out: Declaration[],
  parent: string | undefined,
): void {
  for (const child of named(container)) {
    const kind = JAVA_KINDS[child.type];
    if (kind) {
      const name = nameOf(child, source);
      const body = child.childForFieldName('body');
      if (!name || !body) continue;
      const qualifiedName = parent ? `${parent}.${name}` : name;
      const d: Declaration = {
        name,
        qualifiedName,
        kind,
        startIndex: child.startIndex,
        endIndex: child.endIndex,
        exported: true,
        bodies: [],
        ...(parent ? { parent } : {}),
      };
      out.push(d);
      const before = out.length;
      javaBody(body, source, out, qualifiedName);
      for (const m of out.slice(before))
        if (m.parent === qualifiedName && m.kind === 'method') d.bodies.push(...m.bodies);
    } else if (
      parent &&
      (child.type === 'method_declaration' || child.type === 'constructor_declaration')
    ) {
      const name = nameOf(child, source);
      const body = child.childForFieldName('body');
      if (!name) continue;
      out.push({
        name,
        qualifiedName: `${parent}.${name}`,
        kind: 'method',
        startIndex: child.startIndex,
        endIndex: child.endIndex,
        exported: true,
        bodies: body ? [[body.startIndex, body.endIndex]] : [],
        parent,
      });
    } else if (child.type === 'enum_body_declarations') {
      javaBody(child, source, out, parent);
    }
  }
}

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
