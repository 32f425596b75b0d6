/**
 * @module Result parsers on real captured runner output (fixtures/: `node --test
 * --test-reporter=junit` on Node 20, `pytest --junitxml` 9.2, `python -m unittest -v` 3.11) into
 * the structured failures the workflow fingerprints (issue #7; V1-FR-TEST-003, V1-FR-TEST-004).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { testCaseResultSchema } from '@iama/contracts';
import {
  detectFramework,
  normalizeFramework,
  parseJUnitXml,
  parseUnittestVerbose,
} from '../src/index';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const byName = <T extends { name: string }>(list: T[], name: string): T => {
  const found = list.find((t) => t.name === name);
  assert.ok(found, `no test named ${name} in ${list.map((t) => t.name).join(', ')}`);
  return found;
};

void describe('V1-FR-TEST-003/004: parsers on captured output', () => {
  void it('node:test JUnit: suite path names, error class from the cause, location in the project', () => {
    const tests = parseJUnitXml(fixture('node-junit.xml'), { dialect: 'node', root: '/tmp/nj' });
    for (const t of tests) testCaseResultSchema.parse(t);
    assert.equal(byName(tests, 'calc > add > sums').status, 'PASSED');
    assert.equal(byName(tests, 'calc > skipped one').status, 'SKIPPED');
    const wrong = byName(tests, 'calc > add > is wrong');
    assert.equal(wrong.status, 'FAILED');
    assert.equal(wrong.error_class, 'AssertionError');
    assert.deepEqual(wrong.location, { file: 'test/nested.test.mjs', line: 7, column: 33 });
    assert.match(wrong.excerpt ?? '', /strictly deep-equal/);
    const thrown = byName(tests, 'throws a TypeError');
    assert.equal(thrown.error_class, 'TypeError');
    assert.equal(thrown.location?.file, 'test/nested.test.mjs');
  });

  void it('pytest JUnit: classname::name, class and line from the last traceback line', () => {
    const tests = parseJUnitXml(fixture('pytest-junit.xml'), {
      dialect: 'classname',
      root: '/tmp/pt',
    });
    for (const t of tests) testCaseResultSchema.parse(t);
    assert.equal(tests.length, 7);
    assert.equal(byName(tests, 'test_calc::test_ok').status, 'PASSED');
    assert.equal(byName(tests, 'test_calc.U::test_u_skip').status, 'SKIPPED');
    const bad = byName(tests, 'test_calc::test_bad');
    assert.equal(bad.error_class, 'AssertionError');
    assert.deepEqual(bad.location, { file: 'test_calc.py', line: 4, column: null });
    const err = byName(tests, 'test_calc::test_err');
    assert.equal(err.error_class, 'KeyError');
    assert.equal(err.location?.line, 5);
  });

  void it('unittest -v: status lines plus FAIL blocks', () => {
    const tests = parseUnittestVerbose(fixture('unittest-verbose.txt'), '/tmp/pt');
    assert.deepEqual(
      tests.map((t) => [t.name, t.status]),
      [
        ['test_calc.U.test_u_bad', 'FAILED'],
        ['test_calc.U.test_u_ok', 'PASSED'],
        ['test_calc.U.test_u_skip', 'SKIPPED'],
      ],
    );
    const bad = byName(tests, 'test_calc.U.test_u_bad');
    assert.equal(bad.error_class, 'AssertionError');
    assert.deepEqual(bad.location, { file: 'test_calc.py', line: 10, column: null });
  });

  void it('duplicate names within one report are made unique (the report schema refuses duplicates)', () => {
    const xml =
      '<testsuites><testcase name="a" time="0"/><testcase name="a" time="0"/></testsuites>';
    assert.deepEqual(
      parseJUnitXml(xml, { dialect: 'node', root: '/x' }).map((t) => t.name),
      ['a', 'a #2'],
    );
  });

  void it('a very long generated test name is clamped to the report schema', () => {
    const xml = `<testsuites><testcase name="${'n'.repeat(5000)}" time="0"/></testsuites>`;
    const [t] = parseJUnitXml(xml, { dialect: 'node', root: '/x' });
    assert.ok(t);
    testCaseResultSchema.parse(t);
  });

  void it('malformed or empty output yields no tests rather than invented ones', () => {
    assert.deepEqual(parseJUnitXml('', { dialect: 'node', root: '/x' }), []);
    assert.deepEqual(
      parseUnittestVerbose('Traceback (most recent call last):\nImportError: x', '/x'),
      [],
    );
  });
});

void describe('framework detection per project (issue #7)', () => {
  const files = (map: Record<string, string>) => (p: string) => map[p] ?? null;
  void it('Node: Vitest and Jest from devDependencies or scripts, else node:test', () => {
    assert.equal(
      detectFramework(files({ 'package.json': '{"devDependencies":{"vitest":"3"}}' })),
      'vitest',
    );
    assert.equal(
      detectFramework(files({ 'package.json': '{"scripts":{"test":"jest --ci"}}' })),
      'jest',
    );
    assert.equal(
      detectFramework(files({ 'package.json': '{"scripts":{"test":"node --test"}}' })),
      'node:test',
    );
  });
  void it('Python: pytest from config or requirements, unittest otherwise', () => {
    assert.equal(detectFramework(files({ 'pytest.ini': '[pytest]\n' })), 'pytest');
    assert.equal(detectFramework(files({ 'requirements-dev.txt': 'pytest==8.0\n' })), 'pytest');
    assert.equal(detectFramework(files({}), ['tests/calc_tests.py']), 'unittest');
  });
  void it('Java: JUnit through Maven or Gradle', () => {
    assert.equal(detectFramework(files({ 'pom.xml': '<project/>' })), 'junit-maven');
    assert.equal(detectFramework(files({ 'build.gradle.kts': '' })), 'junit-gradle');
  });
  void it('unknown projects and framework names are reported, not guessed', () => {
    assert.equal(detectFramework(files({}), ['README.md']), null);
    assert.equal(normalizeFramework('mocha'), null);
    assert.equal(normalizeFramework('PyTest'), 'pytest');
  });
});
