/**
 * @module Detects a workspace that changed since the base snapshot (V1-FR-JOB-006; issue #3):
 * compares current content with the fingerprints taken at job start.
 */
import type { Fingerprint } from '@iama/contracts';
import { contentAt, type FileTree } from './file-tree';
import { fingerprintOf } from './fingerprint';

export type Drift = {
  path: string;
  kind: 'MODIFIED' | 'MISSING' | 'ADDED';
  expected: Fingerprint | null;
  actual: Fingerprint | null;
};

/**
 * Files whose state differs from the snapshot; a `null` snapshot entry means "must be absent".
 * Only paths in the snapshot are checked: other workspace files are none of the job's business.
 * @example detectDrift({ 'a.ts': fingerprintOf('x') }, { 'a.ts': 'y' })[0].kind // 'MODIFIED'
 */
export function detectDrift(
  snapshot: Readonly<Record<string, Fingerprint | null>>,
  tree: FileTree,
): Drift[] {
  const out: Drift[] = [];
  for (const path of Object.keys(snapshot).sort()) {
    const expected = snapshot[path] ?? null;
    const raw = contentAt(tree, path);
    const actual = raw === undefined ? null : fingerprintOf(raw);
    if (actual === expected) continue;
    out.push({
      path,
      kind: actual === null ? 'MISSING' : expected === null ? 'ADDED' : 'MODIFIED',
      expected,
      actual,
    });
  }
  return out;
}
