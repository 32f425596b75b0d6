/**
 * @module The only disk access of this package: reads a workspace directory into memory for the
 * pure analysis. `.iamaignore` is consulted before any directory is listed or any file is
 * stat'ed or opened (V1-FR-SEC-004); path rules and the size limit run before a file is opened
 * (V1-FR-CTX-007). Symbolic links are never followed, so nothing outside the root is read.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  classifyContent,
  classifyPath,
  DEFAULT_FILE_LIMITS,
  type FileLimits,
  type SourceFile,
} from '../filters/classify';
import { exclusion, type Exclusion } from '../filters/reason-codes';
import { createIgnoreMatcher, type IgnoreMatcher } from '../ignore/iamaignore';

export type WorkspaceSnapshot = {
  /** Admitted files, sorted by path. */
  files: SourceFile[];
  /** Files refused by a filter, with reason codes; ignored paths are listed with IGNORED_BY_IAMAIGNORE. */
  exclusions: Exclusion[];
};

export type WalkOptions = { limits?: FileLimits; matcher?: IgnoreMatcher };

/**
 * Loads the matcher from `<root>/.iamaignore`; only this one file is read unconditionally.
 * @example const matcher = loadIgnoreMatcher('/repo')
 */
export function loadIgnoreMatcher(root: string): IgnoreMatcher {
  let text: string | undefined;
  try {
    text = readFileSync(join(root, '.iamaignore'), 'utf8');
  } catch {
    text = undefined;
  }
  return createIgnoreMatcher(text);
}

/**
 * Walks the whole workspace.
 * @example const { files, exclusions } = walkWorkspace('/repo')
 */
export function walkWorkspace(root: string, options: WalkOptions = {}): WorkspaceSnapshot {
  const limits = options.limits ?? DEFAULT_FILE_LIMITS;
  const matcher = options.matcher ?? loadIgnoreMatcher(root);
  const files: SourceFile[] = [];
  const exclusions: Exclusion[] = [];
  const visit = (rel: string) => {
    const entries = readdirSync(rel ? join(root, rel) : root, { withFileTypes: true }).sort(
      (a, b) => (a.name < b.name ? -1 : 1),
    );
    for (const entry of entries) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.name === '.iamaignore' && rel === '') continue;
      if (matcher.ignores(path, entry.isDirectory())) {
        exclusions.push(exclusion(path, 'IGNORED_BY_IAMAIGNORE'));
      } else if (entry.isSymbolicLink()) {
        exclusions.push(exclusion(path, 'SYMLINK'));
      } else if (entry.isDirectory()) {
        visit(path);
      } else if (entry.isFile()) {
        readOne(root, path, limits, files, exclusions);
      }
    }
  };
  visit('');
  return { files, exclusions };
}

/**
 * Reads only the given workspace-relative paths (a selection), with the same gates as the walk.
 * @example readWorkspaceFiles('/repo', ['src/a.ts', '.env']) // '.env' comes back as SECRET_FILE
 */
export function readWorkspaceFiles(
  root: string,
  paths: readonly string[],
  options: WalkOptions = {},
): WorkspaceSnapshot {
  const limits = options.limits ?? DEFAULT_FILE_LIMITS;
  const matcher = options.matcher ?? loadIgnoreMatcher(root);
  const files: SourceFile[] = [];
  const exclusions: Exclusion[] = [];
  for (const path of [...new Set(paths)].sort()) {
    if (path.split('/').some((seg) => seg === '..' || seg === '')) {
      exclusions.push(exclusion(path, 'NOT_FOUND'));
    } else if (ignoredWithAncestors(matcher, path)) {
      exclusions.push(exclusion(path, 'IGNORED_BY_IAMAIGNORE'));
    } else if (hasSymlinkAncestor(root, path)) {
      exclusions.push(exclusion(path, 'SYMLINK'));
    } else {
      readOne(root, path, limits, files, exclusions);
    }
  }
  return { files, exclusions };
}

/** gitignore semantics: a file under an ignored directory is ignored even if no pattern names it. */
function ignoredWithAncestors(matcher: IgnoreMatcher, path: string): boolean {
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++)
    if (matcher.ignores(parts.slice(0, i).join('/'), true)) return true;
  return matcher.ignores(path);
}

/** A symlinked directory on the way would lead outside the root; treat it like a symlinked file. */
function hasSymlinkAncestor(root: string, path: string): boolean {
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) {
    try {
      if (lstatSync(join(root, ...parts.slice(0, i))).isSymbolicLink()) return true;
    } catch {
      return false;
    }
  }
  return false;
}

function readOne(
  root: string,
  path: string,
  limits: FileLimits,
  files: SourceFile[],
  exclusions: Exclusion[],
): void {
  const abs = join(root, path);
  let size: number;
  try {
    const st = lstatSync(abs);
    if (st.isSymbolicLink()) return void exclusions.push(exclusion(path, 'SYMLINK'));
    if (!st.isFile()) return void exclusions.push(exclusion(path, 'NOT_FOUND'));
    size = st.size;
  } catch {
    return void exclusions.push(exclusion(path, 'NOT_FOUND'));
  }
  const byPath = classifyPath(path, size, limits);
  if (!byPath.ok) return void exclusions.push(byPath.exclusion);
  const verdict = classifyContent(path, readFileSync(abs), limits);
  if (verdict.ok) files.push(verdict.file);
  else exclusions.push(verdict.exclusion);
}
