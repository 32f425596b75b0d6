/**
 * @module Loads the engine fixtures: `fixtures/<case>/before/**` (the base tree, read as bytes),
 * `case.json` (operations and the expected outcome) and `after/**` (the expected tree). In
 * `case.json` a `base_fingerprint` of `"base"` stands for the fingerprint of `before/<path>`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fingerprintOf } from '../src/index';

export const FIXTURES_DIR = join(import.meta.dirname, 'fixtures');

export type ExpectedFailure = { index: number; reason: string } & Record<string, unknown>;

export type FixtureCase = {
  name: string;
  description: string;
  requirements: string[];
  before: Record<string, Uint8Array>;
  after: Record<string, Uint8Array> | undefined;
  patch: { schema_version: 'patch_edit.v1'; operations: Array<Record<string, unknown>> };
  expect: { ok: true } | { ok: false; conflict: boolean; failures: ExpectedFailure[] };
  expectedDiff: string | undefined;
};

/** Every file under `dir`, keyed by its POSIX path relative to `dir`. */
export function readTree(dir: string): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p).split('\\').join('/')] = new Uint8Array(readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

export function loadCase(name: string): FixtureCase {
  const dir = join(FIXTURES_DIR, name);
  const spec = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as {
    description: string;
    requirements: string[];
    operations: Array<Record<string, unknown>>;
    expect: FixtureCase['expect'];
  };
  const before = readTree(join(dir, 'before'));
  const operations = spec.operations.map((op) =>
    op.base_fingerprint === 'base'
      ? { ...op, base_fingerprint: fingerprintOf(before[op.path as string]!) }
      : op,
  );
  return {
    name,
    description: spec.description,
    requirements: spec.requirements,
    before,
    after: existsSync(join(dir, 'after')) ? readTree(join(dir, 'after')) : undefined,
    patch: { schema_version: 'patch_edit.v1', operations },
    expect: spec.expect,
    expectedDiff: existsSync(join(dir, 'expected.diff'))
      ? readFileSync(join(dir, 'expected.diff'), 'utf8')
      : undefined,
  };
}

export const caseNames = (): string[] =>
  readdirSync(FIXTURES_DIR)
    .filter((n) => statSync(join(FIXTURES_DIR, n)).isDirectory())
    .sort();
