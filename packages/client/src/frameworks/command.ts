/**
 * @module The command that runs a framework's tests and where its machine-readable result goes.
 * Every runner writes a file we parse (JUnit XML or Jest-style JSON) except unittest, whose
 * verbose output is the result. Jest and Vitest run only when the project has them installed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestFramework } from './detect';

export type ResultFormat =
  | { kind: 'junit-xml'; dialect: 'node' | 'classname'; files: string[] }
  | { kind: 'junit-xml-dir'; dir: string }
  | { kind: 'unittest-verbose' };

export type TestCommand = { command: string; args: string[]; result: ResultFormat };

export type CommandContext = {
  /** Sandbox root (the child's cwd). */
  dir: string;
  testPaths: readonly string[];
  /** Node binary for node:test; defaults to the one running IAMA. */
  nodePath?: string;
  /** Python interpreter; defaults to the project's `.venv` if any, else `python3`. */
  pythonPath?: string;
  /** ESM loader for TypeScript test files under node:test; defaults to IAMA's own tsx. */
  tsLoader?: string | null;
};

const TS_TEST = /\.(c|m)?ts$/;

/** IAMA's own tsx: refactored-to-TypeScript tests run on Node 20 without the project installing it. */
export function defaultTsLoader(): string | null {
  try {
    return import.meta.resolve('tsx');
  } catch {
    return null;
  }
}

export const RESULT_FILE = '.iama-results.xml';

/** The project's own interpreter first, so its installed test tools are used. */
export function pythonFor(dir: string, override?: string): string {
  if (override) return override;
  for (const venv of ['.venv', 'venv']) {
    const bin = join(dir, venv, 'bin', 'python');
    if (existsSync(bin)) return bin;
  }
  return 'python3';
}

/** `tests/test_a.py` → `tests.test_a` (unittest takes module names). */
const pyModule = (p: string) => p.replace(/\.py$/, '').split('/').join('.');

/**
 * @example commandFor('pytest', { dir, testPaths: ['test_calc.py'] })
 */
export function commandFor(framework: TestFramework, ctx: CommandContext): TestCommand {
  const out = join(ctx.dir, RESULT_FILE);
  switch (framework) {
    case 'node:test': {
      const loader = ctx.testPaths.some((p) => TS_TEST.test(p))
        ? ctx.tsLoader === undefined
          ? defaultTsLoader()
          : ctx.tsLoader
        : null;
      return {
        command: ctx.nodePath ?? process.execPath,
        args: [
          ...(loader ? ['--import', loader] : []),
          '--test',
          '--test-reporter=junit',
          `--test-reporter-destination=${out}`,
          ...ctx.testPaths,
        ],
        result: { kind: 'junit-xml', dialect: 'node', files: [out] },
      };
    }
    case 'pytest':
      return {
        command: pythonFor(ctx.dir, ctx.pythonPath),
        args: [
          '-m',
          'pytest',
          '-p',
          'no:cacheprovider',
          '-q',
          `--junitxml=${out}`,
          ...ctx.testPaths,
        ],
        result: { kind: 'junit-xml', dialect: 'classname', files: [out] },
      };
    case 'unittest':
      return {
        command: pythonFor(ctx.dir, ctx.pythonPath),
        args: ['-m', 'unittest', '-v', ...ctx.testPaths.map(pyModule)],
        result: { kind: 'unittest-verbose' },
      };
    case 'jest':
      // jest-junit is not bundled with Jest; its JSON reporter would need its own parser (not yet).
      return {
        command: join(ctx.dir, 'node_modules', '.bin', 'jest'),
        args: ['--ci', '--reporters=default', '--reporters=jest-junit', ...ctx.testPaths],
        result: { kind: 'junit-xml', dialect: 'classname', files: [join(ctx.dir, 'junit.xml')] },
      };
    case 'vitest':
      return {
        command: join(ctx.dir, 'node_modules', '.bin', 'vitest'),
        args: ['run', '--reporter=junit', `--outputFile=${out}`, ...ctx.testPaths],
        result: { kind: 'junit-xml', dialect: 'classname', files: [out] },
      };
    case 'junit-maven':
      return {
        command: existsSync(join(ctx.dir, 'mvnw')) ? join(ctx.dir, 'mvnw') : 'mvn',
        args: ['-B', '-q', 'test', '-DfailIfNoTests=false'],
        result: { kind: 'junit-xml-dir', dir: join(ctx.dir, 'target', 'surefire-reports') },
      };
    case 'junit-gradle':
      return {
        command: existsSync(join(ctx.dir, 'gradlew')) ? join(ctx.dir, 'gradlew') : 'gradle',
        args: ['test', '--console=plain'],
        result: { kind: 'junit-xml-dir', dir: join(ctx.dir, 'build', 'test-results', 'test') },
      };
  }
}
