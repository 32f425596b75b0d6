/**
 * @module Resolving import specifiers to workspace files (V1-FR-CTX-001): relative ES modules
 * with TypeScript's extension rules, Python packages and relative imports, Java packages. Bare
 * package names (node_modules, site-packages, the JDK) resolve to nothing: they are external.
 */
import type { AstLanguage } from '../filters/language';
import type { ImportRef } from './imports';

export type PathIndex = {
  has(path: string): boolean;
  /** Python module name (`pkg.mod`, also every shorter suffix such as `mod` under `src/`) → file. */
  pythonModules: Map<string, string[]>;
  /** Java package directory → its `.java` files. */
  javaPackages: Map<string, string[]>;
  /** Java file name (`Repo.java`) → every path with that name. */
  javaByName: Map<string, string[]>;
};

/**
 * Indexes workspace paths once, for every resolution that follows.
 * @example indexPaths(['src/app/models.py']).pythonModules.get('app.models') // ['src/app/models.py']
 */
export function indexPaths(paths: Iterable<string>): PathIndex {
  const all = new Set(paths);
  const pythonModules = new Map<string, string[]>();
  const javaPackages = new Map<string, string[]>();
  const javaByName = new Map<string, string[]>();
  const add = (m: Map<string, string[]>, k: string, v: string) =>
    (m.get(k) ?? m.set(k, []).get(k)!).push(v);
  for (const p of all) {
    if (p.endsWith('.py') || p.endsWith('.pyi')) {
      const parts = p.replace(/\.pyi?$/, '').split('/');
      if (parts[parts.length - 1] === '__init__') parts.pop();
      for (let i = 0; i < parts.length; i++) add(pythonModules, parts.slice(i).join('.'), p);
    } else if (p.endsWith('.java')) {
      add(javaPackages, p.slice(0, Math.max(0, p.lastIndexOf('/'))), p);
      add(javaByName, p.slice(p.lastIndexOf('/') + 1), p);
    }
  }
  return { has: (p) => all.has(p), pythonModules, javaPackages, javaByName };
}

const ES_EXTENSIONS = ['.ts', '.tsx', '.d.ts', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'];

function normalise(path: string): string | undefined {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!out.length) return undefined;
      out.pop();
    } else out.push(seg);
  }
  return out.join('/');
}

const dirOf = (p: string) => p.slice(0, Math.max(0, p.lastIndexOf('/')));

/**
 * Workspace files an import refers to; empty for external modules.
 * @example resolveImport('src/a.ts', 'typescript', { specifier: './b.js', ... }, index) // ['src/b.ts']
 */
export function resolveImport(
  from: string,
  language: AstLanguage,
  ref: ImportRef,
  index: PathIndex,
): string[] {
  if (language === 'python') return resolvePython(from, ref, index);
  if (language === 'java') return resolveJava(ref, index);
  if (!ref.specifier.startsWith('.')) return [];
  const base = normalise(`${dirOf(from)}/${ref.specifier}`);
  if (base === undefined) return [];
  // TypeScript's ESM convention: `./x.js` names the `./x.ts` source.
  const stem = base.replace(/\.(?:[cm]?js|jsx)$/, '');
  const candidates = [
    base,
    ...ES_EXTENSIONS.map((e) => stem + e),
    ...ES_EXTENSIONS.map((e) => `${base}/index${e}`),
  ];
  const hit = candidates.find((c) => index.has(c));
  return hit ? [hit] : [];
}

function resolvePython(from: string, ref: ImportRef, index: PathIndex): string[] {
  const dots = /^\.*/.exec(ref.specifier)![0].length;
  const rest = ref.specifier.slice(dots);
  const out = new Set<string>();
  const tryModule = (dotted: string) => {
    if (dots > 0) {
      let dir = dirOf(from);
      for (let i = 1; i < dots; i++) dir = dirOf(dir);
      const rel = [dir, ...(dotted ? dotted.split('.') : [])].filter(Boolean).join('/');
      for (const c of [`${rel}.py`, `${rel}/__init__.py`, `${rel}.pyi`]) if (index.has(c)) return c;
      return undefined;
    }
    const hits = index.pythonModules.get(dotted);
    if (!hits?.length) return undefined;
    // Prefer the candidate nearest the importing file (same top-level source root).
    return [...hits].sort(
      (a, b) => sharedPrefix(b, from) - sharedPrefix(a, from) || a.length - b.length,
    )[0];
  };
  const module = tryModule(rest);
  if (module) out.add(module);
  // `from pkg import mod` may name submodules rather than attributes.
  for (const name of ref.names) {
    if (name === '*') continue;
    const sub = tryModule(rest ? `${rest}.${name}` : name);
    if (sub) out.add(sub);
  }
  return [...out];
}

function resolveJava(ref: ImportRef, index: PathIndex): string[] {
  const parts = ref.specifier.split('.');
  if (ref.names[0] === '*') {
    const suffix = parts.join('/');
    for (const [dir, files] of index.javaPackages)
      if (dir === suffix || dir.endsWith(`/${suffix}`)) return [...files];
    return [];
  }
  // `import a.b.C;` or `import static a.b.C.member;`: the longest prefix that names a file wins.
  for (let n = parts.length; n >= 2; n--) {
    const suffix = `${parts.slice(0, n).join('/')}.java`;
    const hit = index.javaByName
      .get(`${parts[n - 1]}.java`)
      ?.find((f) => f === suffix || f.endsWith(`/${suffix}`));
    if (hit) return [hit];
  }
  return [];
}

function sharedPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
