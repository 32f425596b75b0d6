/**
 * @module The sandbox copy (V1-FR-SBX-002): tests run in a temporary directory, never in the
 * user's workspace. Paths `.iamaignore` excludes (and `.git/`) are not copied, with the same
 * matcher `@iama/context` uses for upload (V1-FR-SEC-004). Dependency trees the matcher skips by
 * default (`node_modules/`, `.venv/`, `venv/`) are linked, not copied, so the copy stays cheap
 * and the project's own test tools resolve.
 */
import {
  constants,
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { createIgnoreMatcher, loadIgnoreMatcher, type IgnoreMatcher } from '@iama/context';

/** Linked into the sandbox when present at the workspace root and not named in `.iamaignore`. */
export const LINKED_DEPENDENCY_DIRS = ['node_modules', '.venv', 'venv'] as const;

export type SandboxFile = { path: string; content: string };

export type Sandbox = {
  dir: string;
  copied: number;
  skipped: string[];
  /** Removes the sandbox directory (never the workspace). */
  dispose(): void;
};

export class UnsafeSandboxPathError extends Error {
  readonly code = 'VALIDATION_FAILED' as const;
  constructor(readonly path: string) {
    super(`refusing to write outside the sandbox: ${path}`);
  }
}

/**
 * Copies the workspace into a fresh temporary directory.
 * @example const sb = createSandbox('/repo'); try { ... } finally { sb.dispose() }
 */
export function createSandbox(workspaceRoot: string, matcher?: IgnoreMatcher): Sandbox {
  const root = resolve(workspaceRoot);
  const m = matcher ?? loadIgnoreMatcher(root);
  const userRules = userOnlyMatcher(root);
  // Real path: runners print resolved paths, and locations are made relative to this.
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'iama-sandbox-')));
  const skipped: string[] = [];
  let copied = 0;
  const visit = (rel: string) => {
    for (const entry of readdirSync(rel ? join(root, rel) : root, { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (
        rel === '' &&
        entry.isDirectory() &&
        (LINKED_DEPENDENCY_DIRS as readonly string[]).includes(entry.name) &&
        !userRules.ignores(path, true)
      ) {
        symlinkSync(join(root, path), join(dir, path), 'dir');
        continue;
      }
      if (m.ignores(path, entry.isDirectory())) {
        skipped.push(path);
      } else if (entry.isDirectory()) {
        mkdirSync(join(dir, path), { recursive: true });
        visit(path);
      } else if (entry.isFile()) {
        copyFileSync(join(root, path), join(dir, path), constants.COPYFILE_FICLONE);
        copied++;
      } else {
        skipped.push(path); // symlinks could lead outside the workspace
      }
    }
  };
  visit('');
  return { dir, copied, skipped, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Only the user's own `.iamaignore` patterns (no built-in defaults), for the dependency links. */
function userOnlyMatcher(root: string): IgnoreMatcher {
  let text: string;
  try {
    text = readFileSync(join(root, '.iamaignore'), 'utf8');
  } catch {
    return { ignores: () => false };
  }
  return createIgnoreMatcher(text, []);
}

/**
 * Writes requested files (full contents, D5) into the sandbox; a path that would escape it is refused.
 * @example writeSandboxFiles(sb.dir, [{ path: 'src/a.js', content: '...' }])
 */
export function writeSandboxFiles(dir: string, files: readonly SandboxFile[]): void {
  const base = resolve(dir) + sep;
  for (const f of files) {
    const target = resolve(dir, f.path);
    if (!target.startsWith(base) || f.path.split(/[\\/]/).includes('..'))
      throw new UnsafeSandboxPathError(f.path);
    // A linked dependency directory on the way would write into the user's own tree.
    if (throughSymlink(dir, f.path)) throw new UnsafeSandboxPathError(f.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, f.content);
  }
}

function throughSymlink(dir: string, path: string): boolean {
  const parts = path.split(/[\\/]/).filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    try {
      if (lstatSync(join(dir, ...parts.slice(0, i))).isSymbolicLink()) return true;
    } catch {
      return false;
    }
  }
  return false;
}
