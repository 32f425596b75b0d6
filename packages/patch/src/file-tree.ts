/**
 * @module The shadow file tree the engine reads and returns: workspace-relative POSIX path → file
 * content. Text is the decoded file (BOM kept); bytes are accepted for files that may not be
 * valid UTF-8 — they are decoded only when an operation targets them (ARCHITECTURE D5).
 */
import type { Fingerprint } from '@iama/contracts';
import { fingerprintOf } from './fingerprint';

export type FileContent = string | Uint8Array;
export type FileTree = Readonly<Record<string, FileContent>>;

/** Own-property lookup, so a path such as `__proto__` or `constructor` is just a path. */
export function contentAt(tree: FileTree, path: string): FileContent | undefined {
  return Object.hasOwn(tree, path) ? tree[path] : undefined;
}

/** What a patch did to one file; `before`/`after` are null for an absent file. */
export type FileChange = {
  path: string;
  changeType: 'MODIFIED' | 'CREATED' | 'DELETED';
  /** Fingerprint of the base content, null when the file was created. */
  baseFingerprint: Fingerprint | null;
  before: string | null;
  after: string | null;
};

/**
 * Fingerprints of every file of a tree: the base snapshot a job starts from (V1-FR-JOB-006).
 * @example snapshotOf({ 'a.ts': 'x' }) // { 'a.ts': 'sha256:…' }
 */
export function snapshotOf(tree: FileTree): Record<string, Fingerprint> {
  return Object.fromEntries(
    Object.keys(tree)
      .sort()
      .map((path) => [path, fingerprintOf(tree[path]!)]),
  );
}
