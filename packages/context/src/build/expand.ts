/**
 * @module Dependency-aware expansion (V1-FR-CTX-001, 002): from the targets, follow resolved
 * imports to the declarations the targets use — with the types named in their signatures —
 * up to a depth, recording why each slice is in. Re-exports are followed to the declaring file.
 */
import type { AstLanguage } from '../filters/language';
import { isAstLanguage } from '../filters/language';
import type { Declaration } from '../analysis/outline';
import { signatureText } from '../analysis/outline';
import type { WorkspaceIndex } from '../analysis/index-workspace';
import type { InclusionReason, Slice } from './slice';

export type MissingDependency = {
  from: string;
  specifier: string;
  line: number;
  path: string;
  reason: string;
};
export type MissingSymbol = { path: string; symbol: string; by: string };

export type Expansion = {
  slices: Slice[];
  missingDependencies: MissingDependency[];
  missingSymbols: MissingSymbol[];
};

type Need = {
  path: string;
  name: string;
  depth: number;
  reason: InclusionReason;
  typeOnly: boolean;
};

const TYPE_KINDS = new Set(['interface', 'type', 'enum', 'class']);
const IDENT = /[A-Za-z_$][\w$]*/g;

/**
 * @example expandDependencies(index, ['src/service.ts'], 2).slices.map((s) => s.id)
 * // ['src/service.ts', 'src/repo.ts#Repo', 'src/types.ts#User']
 */
export function expandDependencies(
  index: WorkspaceIndex,
  targets: readonly string[],
  maxDepth = 2,
): Expansion {
  const targetSet = new Set(targets);
  const slices = new Map<string, Slice>();
  const missingDependencies: MissingDependency[] = [];
  const missingSymbols: MissingSymbol[] = [];
  const queue: Need[] = [];
  const seenNeed = new Set<string>();

  for (const t of targets) {
    const file = index.files.get(t)!;
    const analysis = index.analyses.get(t)!;
    slices.set(t, {
      id: t,
      path: t,
      language: file.language,
      role: 'target',
      text: file.text,
      critical: true,
      complete: analysis.analysed && analysis.parsedCleanly,
      pruned: false,
      depth: 0,
      reasons: [{ kind: 'target' }],
    });
    enqueueImportsOf(t, new Set(['*']), 1);
    if (file.language === 'java') enqueueSamePackage(t, file.text, 1);
  }

  while (queue.length) {
    const need = queue.shift()!;
    const key = `${need.path}\0${need.name}\0${need.reason.kind === 'target' || need.reason.kind === 'spec' ? '' : need.reason.by}`;
    if (seenNeed.has(key) || targetSet.has(need.path)) continue;
    seenNeed.add(key);
    const file = index.files.get(need.path);
    const analysis = index.analyses.get(need.path);
    if (!file || !analysis) continue;
    const topLevel = analysis.declarations.filter((d) => !d.parent);
    const chosen =
      need.name === '*'
        ? topLevel.filter((d) => d.exported)
        : topLevel.filter((d) => d.name === need.name);
    if (chosen.length === 0) {
      if (need.name === '*' || !followReexport(need)) {
        if (need.name === '*' && topLevel.length === 0) addWholeFile(need);
        else if (need.name !== '*' && need.name !== 'default')
          missingSymbols.push({ path: need.path, symbol: need.name, by: byOf(need.reason) });
      }
      continue;
    }
    for (const d of chosen) addDeclaration(need, d, file.language as AstLanguage, file.text);
  }

  return { slices: [...slices.values()], missingDependencies, missingSymbols };

  function enqueueImportsOf(path: string, usedNames: Set<string> | undefined, depth: number): void {
    if (depth > maxDepth) return;
    for (const ref of index.imports.get(path) ?? []) {
      if (ref.resolved.length === 0) {
        recordMissing(path, ref.specifier, ref.line);
        continue;
      }
      for (const dep of ref.resolved) {
        const excluded = index.exclusions.get(dep);
        if (excluded) {
          missingDependencies.push({
            from: path,
            specifier: ref.specifier,
            line: ref.line,
            path: dep,
            reason: excluded.reason,
          });
          continue;
        }
        for (const name of ref.names) {
          // Beyond the targets, follow only names the included slices actually use.
          if (usedNames && !usedNames.has('*') && name !== '*' && !usedNames.has(name)) continue;
          if (usedNames && !usedNames.has('*') && name === '*') continue;
          // Python `from pkg import mod`: `mod` is the submodule file itself, used as a whole.
          let wanted = name;
          if (name !== '*' && ref.resolved.some((p) => isPythonSubmodule(p, name))) {
            if (!isPythonSubmodule(dep, name)) continue;
            wanted = '*';
          }
          const reason: InclusionReason =
            wanted === '*'
              ? { kind: 'imported-module', by: path, depth }
              : { kind: 'imported-symbol', by: path, symbol: name, depth };
          queue.push({ path: dep, name: wanted, depth, reason, typeOnly: ref.typeOnly });
        }
      }
    }
  }

  /** A relative import into an ignored or filtered source file is a missing dependency, not an external one. */
  function recordMissing(from: string, specifier: string, line: number): void {
    if (!specifier.startsWith('.')) return;
    const dir = from.slice(0, Math.max(0, from.lastIndexOf('/')));
    const base = [...`${dir}/${specifier}`.split('/')]
      .reduce<string[]>(
        (acc, s) => (s === '..' ? acc.slice(0, -1) : s && s !== '.' ? [...acc, s] : acc),
        [],
      )
      .join('/');
    for (const [p, e] of index.exclusions) {
      if (
        base === p ||
        base.startsWith(`${p}/`) ||
        (p.startsWith(`${base}.`) && /\.(?:[cm]?[jt]sx?|py|java)$/.test(p)) ||
        p.startsWith(`${base}/index.`)
      ) {
        missingDependencies.push({ from, specifier, line, path: p, reason: e.reason });
        return;
      }
    }
  }

  function enqueueSamePackage(path: string, text: string, depth: number): void {
    const dir = path.slice(0, Math.max(0, path.lastIndexOf('/')));
    const siblings = new Map(
      (index.paths.javaPackages.get(dir) ?? []).map((p) => [
        p.slice(p.lastIndexOf('/') + 1, -'.java'.length),
        p,
      ]),
    );
    const used = new Set(text.match(IDENT) ?? []);
    for (const [name, p] of siblings) {
      if (p === path || !used.has(name)) continue;
      queue.push({
        path: p,
        name,
        depth,
        reason: { kind: 'same-package', by: path, symbol: name, depth },
        typeOnly: false,
      });
    }
  }

  function followReexport(need: Need): boolean {
    let followed = false;
    for (const ref of index.imports.get(need.path) ?? []) {
      if (!ref.names.includes(need.name) && !ref.names.includes('*')) continue;
      for (const dep of ref.resolved) {
        if (!index.analyses.has(dep)) continue;
        queue.push({
          ...need,
          path: dep,
          reason: { kind: 'imported-symbol', by: need.path, symbol: need.name, depth: need.depth },
        });
        followed = true;
      }
    }
    return followed;
  }

  function addWholeFile(need: Need): void {
    const file = index.files.get(need.path)!;
    const existing = slices.get(need.path);
    if (existing) return void existing.reasons.push(need.reason);
    slices.set(need.path, {
      id: need.path,
      path: need.path,
      language: file.language,
      role: 'dependency',
      text: file.text,
      critical: need.typeOnly,
      complete: index.analyses.get(need.path)?.parsedCleanly ?? false,
      pruned: false,
      depth: need.depth,
      reasons: [need.reason],
    });
  }

  function addDeclaration(need: Need, d: Declaration, language: AstLanguage, source: string): void {
    const id = `${need.path}#${d.qualifiedName}`;
    const existing = slices.get(id);
    if (existing) {
      existing.reasons.push(need.reason);
      existing.depth = Math.min(existing.depth, need.depth);
      return;
    }
    const text = source.slice(d.startIndex, d.endIndex);
    const isType = d.kind === 'interface' || d.kind === 'type' || d.kind === 'enum';
    const slice: Slice = {
      id,
      path: need.path,
      language,
      role: 'dependency',
      symbol: d.qualifiedName,
      declarationKind: d.kind,
      text,
      ...(d.bodies.length && isAstLanguage(language)
        ? { prunedText: signatureText(language, source, d) }
        : {}),
      critical: isType,
      complete: index.analyses.get(need.path)?.parsedCleanly ?? false,
      pruned: false,
      depth: need.depth,
      reasons: [need.reason],
    };
    slices.set(id, slice);
    // Types named in what we send are part of its interface (V1-FR-CTX-001): same file first…
    const signature = slice.prunedText ?? text;
    const used = new Set(signature.match(IDENT) ?? []);
    used.delete(d.name);
    const analysis = index.analyses.get(need.path)!;
    for (const other of analysis.declarations) {
      if (
        other.parent ||
        other.name === d.name ||
        !TYPE_KINDS.has(other.kind) ||
        !used.has(other.name)
      )
        continue;
      queue.push({
        path: need.path,
        name: other.name,
        depth: need.depth,
        reason: { kind: 'referenced-type', by: id, symbol: other.name, depth: need.depth },
        typeOnly: other.kind !== 'class',
      });
    }
    // …then names this file imports, one level further out.
    enqueueImportsOf(need.path, used, need.depth + 1);
  }
}

/** `pkg/mod.py`, `pkg/mod.pyi` or `pkg/mod/__init__.py` is the module `mod`. */
function isPythonSubmodule(path: string, name: string): boolean {
  return new RegExp(
    `(?:^|/)${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:\\.pyi?|/__init__\\.pyi?)$`,
  ).test(path);
}

function byOf(reason: InclusionReason): string {
  return reason.kind === 'target' || reason.kind === 'spec' ? '' : reason.by;
}
