/**
 * @module `.iamaignore` with gitignore semantics (V1-FR-SEC-004). The matcher is pure: the walker
 * asks it before opening or descending into anything, so an ignored path is never read.
 */
import ignore from 'ignore';

/**
 * Always ignored, before the user's patterns: VCS data, dependency and virtualenv trees, caches.
 * A user `!pattern` can re-include them (gitignore semantics), except `.git/`.
 */
export const DEFAULT_IGNORE_PATTERNS: readonly string[] = [
  'node_modules/',
  '.venv/',
  'venv/',
  '__pycache__/',
  '.iama/',
  '.DS_Store',
];

export type IgnoreMatcher = {
  /** `path` is workspace-relative with `/` separators; pass `isDirectory` for directories. */
  ignores(path: string, isDirectory?: boolean): boolean;
};

/**
 * Builds the matcher from the text of the workspace's `.iamaignore` (undefined when absent).
 * @example
 * const m = createIgnoreMatcher('secrets/\n*.log\n!keep.log');
 * m.ignores('secrets/db.txt') // true
 * m.ignores('keep.log') // false
 */
export function createIgnoreMatcher(
  iamaignoreText?: string,
  defaults: readonly string[] = DEFAULT_IGNORE_PATTERNS,
): IgnoreMatcher {
  const ig = ignore().add([...defaults]);
  if (iamaignoreText) ig.add(iamaignoreText);
  return {
    ignores(path: string, isDirectory = false): boolean {
      const rel = path.replace(/^\.?\/+/, '');
      if (rel === '') return false;
      if (rel === '.git' || rel.startsWith('.git/')) return true;
      return ig.ignores(isDirectory ? `${rel}/` : rel);
    },
  };
}
