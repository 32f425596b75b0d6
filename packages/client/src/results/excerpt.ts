/**
 * @module Shared shaping of failure evidence: bounded excerpts (the report schema caps them at
 * 4000 characters) and test names made unique within one report (the schema refuses duplicates,
 * and the fingerprint keys on names, V1-FR-TEST-003).
 */
import type { TestCaseResult } from '@iama/contracts';

export const EXCERPT_MAX = 4000;

/** Trims and bounds an excerpt; keeps the head, where the assertion message is. */
export function boundExcerpt(text: string | null | undefined): string | null {
  const t = (text ?? '').trim();
  if (t === '') return null;
  return t.length > EXCERPT_MAX ? `${t.slice(0, EXCERPT_MAX - 1)}…` : t;
}

const NAME_MAX = 990; // schema: 1000, leaving room for the ` #n` suffix
const CLASS_MAX = 300;

/**
 * Second and later tests with the same name get ` #2`, ` #3`, … in order of appearance; names and
 * error classes are clamped to the schema's lengths (a generated test may have a very long name).
 */
export function uniqueNames(raw: TestCaseResult[]): TestCaseResult[] {
  const seen = new Map<string, number>();
  const tests = raw.map((t) => ({
    ...t,
    name: t.name.slice(0, NAME_MAX),
    error_class: t.error_class === null ? null : t.error_class.slice(0, CLASS_MAX),
  }));
  return tests.map((t) => {
    const n = (seen.get(t.name) ?? 0) + 1;
    seen.set(t.name, n);
    return n === 1 ? t : { ...t, name: `${t.name} #${n}` };
  });
}

/**
 * Sandbox paths are temporary and differ per run: excerpts show workspace-relative paths, so the
 * same failure reads the same in every attempt (and no local temp path leaves the machine).
 */
export function scrubSandboxPaths(tests: TestCaseResult[], root: string): TestCaseResult[] {
  const prefixes = [`file://${root}/`, `${root}/`];
  return tests.map((t) =>
    t.excerpt === null
      ? t
      : { ...t, excerpt: prefixes.reduce((text, p) => text.split(p).join(''), t.excerpt) },
  );
}
