/**
 * @module Before `loadSyntax`, parsing fails with a machine-readable code instead of crashing
 * (issue #3). A file of its own: the test runner gives it a fresh process, so nothing is loaded.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findSymbol, isLoaded, loadSyntax, parse, SyntaxParseError } from '../src/index';

void test('parse and findSymbol before loadSyntax → SYNTAX_NOT_LOADED; loading one grammar leaves the others unloaded', async () => {
  const notLoaded = (e: unknown) => e instanceof SyntaxParseError && e.code === 'SYNTAX_NOT_LOADED';
  assert.throws(() => parse('typescript', 'const a = 1;'), notLoaded);
  assert.throws(() => findSymbol('python', 'def f(): pass\n', 'f'), notLoaded);
  await loadSyntax(['python']);
  assert.equal(isLoaded('python'), true);
  assert.equal(isLoaded('typescript'), false);
  assert.equal(findSymbol('python', 'def f(): pass\n', 'f').length, 1);
  assert.throws(() => parse('typescript', 'const a = 1;'), notLoaded);
});
