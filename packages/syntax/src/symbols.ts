/**
 * @module Named declarations of a file and their exact ranges — what an `AST_SYMBOLIC` edit
 * (`symbolic_replace`, `insert_after_symbol`, `delete_symbol`; V1-FR-DEL-004) anchors on.
 *
 * Range policy: `startIndex…endIndex` covers the whole declaration *including* its `export`
 * (and `export default`, `declare`) keyword and its decorators / annotations, because they are
 * part of the declaration's syntax and must move or vanish with it. Leading comments
 * (JSDoc, `#` comments, Javadoc) are *not* included; `docStartIndex` marks where the contiguous
 * comment block directly above the declaration starts (no blank line between), so a caller can
 * include it deliberately. Python docstrings sit inside the body and are therefore included.
 *
 * Paths are the dotted chain of enclosing named declarations: `foo`, `Repo`, `Repo.find`,
 * `Outer.Inner.method`, `ns.f` (TypeScript namespaces), `f.helper` (a function nested in a
 * function). Every declaration with that path is returned, so zero matches means not found and
 * more than one means ambiguous (overload signatures, getter/setter pairs, conditional Python
 * definitions, redefinitions).
 */
import type { Tree } from 'web-tree-sitter';
import type { SyntaxLanguage } from './languages';
import { parse } from './parse';

/**
 * The part of a Tree-sitter node the symbol walker reads; web-tree-sitter's `Node` satisfies it,
 * and so does any structurally equal node (e.g. `@iama/context`'s `SyntaxNode`).
 */
export type SymbolNode = {
  readonly type: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly namedChildren: ReadonlyArray<SymbolNode | null>;
  childForFieldName(name: string): SymbolNode | null;
};

export type SymbolKind =
  | 'function'
  | 'class'
  | 'method'
  | 'interface'
  | 'type'
  | 'enum'
  | 'namespace'
  | 'variable'
  | 'property';

export type SymbolMatch = {
  name: string;
  /** Dotted path from the file's top level, e.g. `Repo.find`. */
  path: string;
  kind: SymbolKind;
  /** Whole declaration incl. export keyword and decorators; UTF-16 indices into the source. */
  startIndex: number;
  endIndex: number;
  /** Start of the attached leading comment block; equals `startIndex` when there is none. */
  docStartIndex: number;
  /** The implementation body (`{…}` block or Python `block`), when the declaration has one. */
  body?: { startIndex: number; endIndex: number };
  /** Written with `export` (TS/JS); for Python and Java always false. */
  exported: boolean;
};

/**
 * Every declaration with the dotted `symbolPath`, in source order.
 * @example
 * findSymbol('typescript', 'export class Repo { find() {} }', 'Repo.find')
 * // [{ name: 'find', path: 'Repo.find', kind: 'method', startIndex: 20, endIndex: 29, … }]
 * @example findSymbol('python', 'def f(): pass\ndef f(): pass\n', 'f').length // 2 → ambiguous
 */
export function findSymbol(
  language: SyntaxLanguage,
  source: Tree | string,
  symbolPath: string,
): SymbolMatch[] {
  return listSymbols(language, source).filter((s) => s.path === symbolPath);
}

/**
 * All named declarations of a file, in source order (containers before their members).
 * @example listSymbols('python', 'class A:\n    def m(self): pass\n').map((s) => s.path) // ['A', 'A.m']
 */
export function listSymbols(language: SyntaxLanguage, source: Tree | string): SymbolMatch[] {
  if (typeof source !== 'string') {
    const root = source.rootNode;
    // The root may start after leading trivia; padding keeps absolute indices valid.
    return collect(language, root, ' '.repeat(root.startIndex) + root.text);
  }
  const tree = parse(language, source);
  try {
    return collect(language, tree.rootNode, source);
  } finally {
    tree.delete();
  }
}

type Walk = { language: SyntaxLanguage; source: string; out: SymbolMatch[] };

/**
 * `listSymbols` on an already parsed root node; `source` is the full text that was parsed.
 * @example symbolsOfNode('python', tree.rootNode, src).filter((s) => s.kind === 'class')
 */
export function symbolsOfNode(
  language: SyntaxLanguage,
  root: SymbolNode,
  source: string,
): SymbolMatch[] {
  return collect(language, root, source);
}

function collect(language: SyntaxLanguage, root: SymbolNode, source: string): SymbolMatch[] {
  const walk: Walk = { language, source, out: [] };
  if (language === 'python') pythonBlock(walk, root, '', 'module');
  else if (language === 'java') javaBody(walk, root, '');
  else esStatements(walk, root, '');
  return walk.out;
}

const named = (node: SymbolNode): SymbolNode[] =>
  node.namedChildren.filter((c): c is SymbolNode => c !== null);

function add(
  walk: Walk,
  siblings: SymbolNode[],
  at: number,
  decl: {
    name: string;
    prefix: string;
    kind: SymbolKind;
    outer: SymbolNode;
    body?: SymbolNode | null;
    exported?: boolean;
    range?: SymbolNode;
  },
): string {
  const path = decl.prefix ? `${decl.prefix}.${decl.name}` : decl.name;
  const range = decl.range ?? decl.outer;
  // Member decorators are siblings in the TypeScript grammar; they belong to the member.
  let first = at;
  while (range === decl.outer && first > 0 && siblings[first - 1]!.type === 'decorator') first--;
  walk.out.push({
    name: decl.name,
    path,
    kind: decl.kind,
    startIndex: first < at ? siblings[first]!.startIndex : range.startIndex,
    endIndex: range.endIndex,
    docStartIndex: range === decl.outer ? docStart(walk, siblings, first) : range.startIndex,
    ...(decl.body
      ? { body: { startIndex: decl.body.startIndex, endIndex: decl.body.endIndex } }
      : {}),
    exported: decl.exported ?? false,
  });
  return path;
}

const COMMENT_TYPES = new Set(['comment', 'line_comment', 'block_comment']);

/** Walks back over comment siblings separated from what follows by at most one line break. */
function docStart(walk: Walk, siblings: SymbolNode[], at: number): number {
  let start = siblings[at]!.startIndex;
  for (let j = at - 1; j >= 0; j--) {
    const prev = siblings[j]!;
    if (!COMMENT_TYPES.has(prev.type)) break;
    const gap = walk.source.slice(prev.endIndex, start);
    if (/\S/.test(gap) || (gap.match(/\n/g)?.length ?? 0) > 1) break;
    // A trailing comment on the previous statement's line is not documentation.
    const lineStart = walk.source.lastIndexOf('\n', prev.startIndex - 1) + 1;
    if (/\S/.test(walk.source.slice(lineStart, prev.startIndex))) break;
    start = prev.startIndex;
  }
  return start;
}

function nameText(walk: Walk, node: SymbolNode | null): string | undefined {
  if (!node) return undefined;
  return walk.source.slice(node.startIndex, node.endIndex);
}

// ---- TypeScript / TSX / JavaScript -------------------------------------------------------

const ES_CONTAINERS: Record<string, SymbolKind> = {
  class_declaration: 'class',
  abstract_class_declaration: 'class',
  class: 'class',
};
const ES_LEAVES: Record<string, SymbolKind> = {
  function_declaration: 'function',
  generator_function_declaration: 'function',
  function_signature: 'function',
  interface_declaration: 'interface',
  type_alias_declaration: 'type',
  enum_declaration: 'enum',
};
const FUNCTION_VALUES = new Set([
  'arrow_function',
  'function_expression',
  'function',
  'generator_function',
]);
const NAME_TYPES = new Set([
  'identifier',
  'type_identifier',
  'property_identifier',
  'private_property_identifier',
  'string',
  'number',
]);

function esStatements(walk: Walk, container: SymbolNode, prefix: string): void {
  const kids = named(container);
  kids.forEach((child, i) => {
    let decl: SymbolNode | null = child;
    let exported = false;
    if (child.type === 'export_statement') {
      exported = true;
      decl = child.childForFieldName('declaration') ?? child.childForFieldName('value');
    }
    if (decl?.type === 'ambient_declaration')
      decl = named(decl).find((c) => c.type !== 'comment') ?? null;
    if (decl?.type === 'expression_statement') decl = named(decl)[0] ?? null;
    if (decl) esDeclaration(walk, kids, i, decl, child, exported, prefix);
  });
}

/** `'m'` in `declare module 'm'` and `'x'() {}` are named by their content. */
function unquote(node: SymbolNode, text: string): string {
  return node.type === 'string' ? text.slice(1, -1) : text;
}

function esDeclaration(
  walk: Walk,
  kids: SymbolNode[],
  i: number,
  decl: SymbolNode,
  outer: SymbolNode,
  exported: boolean,
  prefix: string,
): void {
  const nameNode = decl.childForFieldName('name');
  const name = nameNode ? unquote(nameNode, nameText(walk, nameNode)!) : undefined;
  const leaf = ES_LEAVES[decl.type];
  if (leaf && name) {
    add(walk, kids, i, {
      name,
      prefix,
      kind: leaf,
      outer,
      body: decl.childForFieldName('body'),
      exported,
    });
    return;
  }
  if (ES_CONTAINERS[decl.type] && name) {
    const body = decl.childForFieldName('body');
    const path = add(walk, kids, i, { name, prefix, kind: 'class', outer, body, exported });
    if (body) esClassBody(walk, body, path);
    return;
  }
  if ((decl.type === 'internal_module' || decl.type === 'module') && name) {
    const body = decl.childForFieldName('body');
    const path = add(walk, kids, i, { name, prefix, kind: 'namespace', outer, body, exported });
    if (body) esStatements(walk, body, path);
    return;
  }
  if (decl.type === 'lexical_declaration' || decl.type === 'variable_declaration') {
    const declarators = named(decl).filter((d) => d.type === 'variable_declarator');
    for (const declarator of declarators) {
      const nameNode = declarator.childForFieldName('name');
      if (nameNode?.type !== 'identifier') continue;
      const value = declarator.childForFieldName('value');
      const isFn = value !== null && FUNCTION_VALUES.has(value.type);
      const isClass = value?.type === 'class';
      const body = isFn || isClass ? value.childForFieldName('body') : null;
      const path = add(walk, kids, i, {
        name: nameText(walk, nameNode)!,
        prefix,
        kind: isFn ? 'function' : isClass ? 'class' : 'variable',
        outer,
        body,
        exported,
        // `const a = 1, b = () => {}`: the range is the declarator alone, the statement stays.
        ...(declarators.length > 1 ? { range: declarator } : {}),
      });
      if (isClass && body) esClassBody(walk, body, path);
    }
  }
}

function esClassBody(walk: Walk, body: SymbolNode, prefix: string): void {
  const kids = named(body);
  kids.forEach((member, i) => {
    const t = member.type;
    const isMethod =
      t === 'method_definition' || t === 'method_signature' || t === 'abstract_method_signature';
    const isField = t === 'public_field_definition' || t === 'field_definition';
    if (!isMethod && !isField) return;
    const nameNode = member.childForFieldName('name') ?? member.childForFieldName('property');
    if (!nameNode || !NAME_TYPES.has(nameNode.type)) return;
    const name = unquote(nameNode, nameText(walk, nameNode)!);
    if (isMethod) {
      add(walk, kids, i, {
        name,
        prefix,
        kind: 'method',
        outer: member,
        body: member.childForFieldName('body'),
      });
      return;
    }
    const value = member.childForFieldName('value');
    const fnBody =
      value && FUNCTION_VALUES.has(value.type) ? value.childForFieldName('body') : null;
    add(walk, kids, i, {
      name,
      prefix,
      kind: fnBody ? 'method' : 'property',
      outer: member,
      body: fnBody,
    });
  });
}

// ---- Python ------------------------------------------------------------------------------

/** Compound statements whose blocks still define names of the enclosing scope. */
const PY_TRANSPARENT = new Set([
  'if_statement',
  'elif_clause',
  'else_clause',
  'try_statement',
  'except_clause',
  'except_group_clause',
  'finally_clause',
  'with_statement',
  'block',
]);

function pythonBlock(
  walk: Walk,
  block: SymbolNode,
  prefix: string,
  scope: 'module' | 'class' | 'function',
): void {
  const kids = named(block);
  kids.forEach((child, i) => {
    const def =
      child.type === 'decorated_definition' ? child.childForFieldName('definition') : child;
    if (def && (def.type === 'function_definition' || def.type === 'class_definition')) {
      const name = nameText(walk, def.childForFieldName('name'));
      const body = def.childForFieldName('body');
      if (!name) return;
      const isClass = def.type === 'class_definition';
      const kind: SymbolKind = isClass ? 'class' : scope === 'class' ? 'method' : 'function';
      const path = add(walk, kids, i, { name, prefix, kind, outer: child, body });
      if (body) pythonBlock(walk, body, path, isClass ? 'class' : 'function');
      return;
    }
    if (PY_TRANSPARENT.has(child.type)) {
      for (const block of clauseBlocks(child)) pythonBlock(walk, block, prefix, scope);
      return;
    }
    if (scope !== 'function' && child.type === 'expression_statement') {
      const assignment = named(child)[0];
      const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : null;
      if (left?.type === 'identifier')
        add(walk, kids, i, { name: nameText(walk, left)!, prefix, kind: 'variable', outer: child });
    }
  });
}

/** The blocks of an `if` / `try` / `with` statement and of its clauses. */
function clauseBlocks(node: SymbolNode): SymbolNode[] {
  return named(node).flatMap((part) =>
    part.type === 'block' ? [part] : PY_TRANSPARENT.has(part.type) ? clauseBlocks(part) : [],
  );
}

// ---- Java --------------------------------------------------------------------------------

const JAVA_TYPES: Record<string, SymbolKind> = {
  class_declaration: 'class',
  record_declaration: 'class',
  interface_declaration: 'interface',
  enum_declaration: 'enum',
  annotation_type_declaration: 'interface',
};

function javaBody(walk: Walk, container: SymbolNode, prefix: string): void {
  const kids = named(container);
  kids.forEach((child, i) => {
    const name = nameText(walk, child.childForFieldName('name'));
    const kind = JAVA_TYPES[child.type];
    if (kind && name) {
      const body = child.childForFieldName('body');
      const path = add(walk, kids, i, { name, prefix, kind, outer: child, body });
      if (body) javaBody(walk, body, path);
    } else if (
      prefix &&
      name &&
      (child.type === 'method_declaration' ||
        child.type === 'constructor_declaration' ||
        child.type === 'compact_constructor_declaration')
    ) {
      add(walk, kids, i, {
        name,
        prefix,
        kind: 'method',
        outer: child,
        body: child.childForFieldName('body'),
      });
    } else if (child.type === 'enum_body_declarations') {
      javaBody(walk, child, prefix);
    }
  });
}
