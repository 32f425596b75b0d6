/**
 * @module Which test framework a project uses, from its manifest files (issue #7): Node (node:test,
 * Jest, Vitest from `package.json`), Python (pytest, unittest), Java (JUnit through Maven or
 * Gradle). Pure over a file-reading function, so it works on the workspace and on a sandbox copy.
 */

export const TEST_FRAMEWORKS = [
  'node:test',
  'jest',
  'vitest',
  'pytest',
  'unittest',
  'junit-maven',
  'junit-gradle',
] as const;
export type TestFramework = (typeof TEST_FRAMEWORKS)[number];

/** Reads a root-relative file, `null` when absent. */
export type ReadFile = (path: string) => string | null;

type PackageJson = {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};

/**
 * Normalizes the `framework` of a `test_requested` event (free text on the wire) to a known one.
 * @example normalizeFramework('PyTest') // 'pytest'
 */
export function normalizeFramework(name: string): TestFramework | null {
  const n = name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  const aliases: Record<string, TestFramework> = {
    'node:test': 'node:test',
    'node-test': 'node:test',
    node: 'node:test',
    jest: 'jest',
    vitest: 'vitest',
    pytest: 'pytest',
    unittest: 'unittest',
    junit: 'junit-maven',
    maven: 'junit-maven',
    'junit-maven': 'junit-maven',
    gradle: 'junit-gradle',
    'junit-gradle': 'junit-gradle',
  };
  return aliases[n] ?? null;
}

/**
 * @example detectFramework((p) => (p === 'package.json' ? '{"devDependencies":{"vitest":"1"}}' : null)) // 'vitest'
 */
export function detectFramework(
  read: ReadFile,
  testPaths: readonly string[] = [],
): TestFramework | null {
  const pkgText = read('package.json');
  if (pkgText !== null) {
    let pkg: PackageJson = {};
    try {
      pkg = JSON.parse(pkgText) as PackageJson;
    } catch {
      pkg = {};
    }
    const deps = { ...pkg.dependencies, ...pkg.devDependencies };
    const testScript = pkg.scripts?.test ?? '';
    if ('vitest' in deps || /\bvitest\b/.test(testScript)) return 'vitest';
    if ('jest' in deps || /\bjest\b/.test(testScript)) return 'jest';
    return 'node:test';
  }
  if (read('pom.xml') !== null) return 'junit-maven';
  if (
    ['build.gradle', 'build.gradle.kts', 'settings.gradle', 'settings.gradle.kts'].some(
      (p) => read(p) !== null,
    )
  )
    return 'junit-gradle';
  const pyConfig = ['pytest.ini', 'pyproject.toml', 'setup.cfg', 'tox.ini', 'conftest.py']
    .map((p) => read(p) ?? '')
    .join('\n');
  if (/\[(tool:)?pytest|\[tool\.pytest|pytest/.test(pyConfig)) return 'pytest';
  const requirements = ['requirements.txt', 'requirements-dev.txt']
    .map((p) => read(p) ?? '')
    .join('\n');
  if (/^pytest\b/m.test(requirements)) return 'pytest';
  if (testPaths.some((p) => p.endsWith('.py'))) {
    // A unittest-only project still runs under pytest, but pytest may not be installed: prefer the
    // standard library unless the tests themselves import pytest (see the runner's fallback).
    return testPaths.some((p) => /(^|\/)test_[^/]*\.py$|_test\.py$/.test(p))
      ? 'pytest'
      : 'unittest';
  }
  if (testPaths.some((p) => /\.(c|m)?[jt]s$/.test(p))) return 'node:test';
  return null;
}
