/**
 * @module Token estimates, cap fitting and the AST confidence formula (V1-FR-CTX-004, 005,
 * PRD V1 §5.1, §17 group 12). These run on slices directly, without a parser.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  confidenceScore,
  confidenceThresholdsFromConfig,
  countTokens,
  fastPassEstimate,
  fitToCap,
  modeFor,
  type Slice,
} from '../src/index';

void test('V1-FR-CTX-004: the fast pass is the tiktoken-class count times 2.2, rounded up', () => {
  const text = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';
  assert.equal(fastPassEstimate(text), Math.ceil(countTokens(text) * 2.2));
  assert.ok(countTokens(text) > 10);
});

const body = (n: number) => `{\n${'  total += compute(value, index);\n'.repeat(n)}}`;
const slice = (over: Partial<Slice> & Pick<Slice, 'id' | 'role'>): Slice => ({
  path: over.id.split('#')[0]!,
  text: '',
  critical: false,
  complete: true,
  pruned: false,
  depth: 1,
  reasons: [],
  ...over,
});
const target = slice({
  id: 'src/service.ts',
  role: 'target',
  critical: true,
  depth: 0,
  text: `export function run() ${body(20)}`,
  reasons: [{ kind: 'target' }],
});
const spec = slice({
  id: 'spec:sdd',
  role: 'spec',
  critical: true,
  depth: 0,
  text: 'Given a cart\nWhen checkout\nThen total is kept',
  reasons: [{ kind: 'spec' }],
});
const type = slice({
  id: 'src/types.ts#Cart',
  role: 'dependency',
  critical: true,
  text: 'export interface Cart { items: string[] }',
});
const near = slice({
  id: 'src/repo.ts#load',
  role: 'dependency',
  depth: 1,
  text: `export function load() ${body(60)}`,
  prunedText: 'export function load() { /* body omitted */ }',
});
const far = slice({
  id: 'src/util.ts#compute',
  role: 'dependency',
  depth: 2,
  text: `export function compute() ${body(60)}`,
  prunedText: 'export function compute() { /* body omitted */ }',
});
const all = [spec, target, type, near, far];
const total = (xs: Slice[]) => xs.reduce((a, s) => a + fastPassEstimate(s.text), 0);

void test('V1-FR-CTX-004: under the cap nothing is pruned', async () => {
  const r = await fitToCap(all, { contextCapTokens: 1_000_000 });
  assert.ok(r.ok);
  assert.deepEqual(r.report.pruned, []);
  assert.equal(r.report.measure, 'fast-pass');
});

void test('V1-FR-CTX-004 / §17 group 12: over the cap, the farthest dependency body goes first; targets, spec and types stay whole', async () => {
  const cap = total(all) - 10;
  const r = await fitToCap(all, { contextCapTokens: cap });
  assert.ok(r.ok);
  assert.deepEqual(
    r.report.pruned.map((p) => p.sliceId),
    ['src/util.ts#compute'],
  );
  assert.ok(r.report.tokensAfter <= cap && r.report.tokensBefore > cap);
  const byId = new Map(r.slices.map((s) => [s.id, s]));
  assert.equal(byId.get('src/service.ts')!.text, target.text);
  assert.equal(byId.get('spec:sdd')!.text, spec.text);
  assert.equal(byId.get('src/types.ts#Cart')!.text, type.text);
  assert.equal(byId.get('src/util.ts#compute')!.text, far.prunedText);
  assert.equal(byId.get('src/repo.ts#load')!.pruned, false);
});

void test('V1-FR-CTX-005: still over the cap after pruning → CONTEXT_CAP_EXCEEDED with guidance, nothing to send', async () => {
  const cap = fastPassEstimate(target.text) + 5;
  const r = await fitToCap(all, { contextCapTokens: cap });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'CONTEXT_CAP_EXCEEDED');
  assert.match(r.error.guidance, /Narrow the selection/);
  assert.equal(r.error.detail.capTokens, cap);
  assert.deepEqual(
    r.error.detail.largestTargets.map((t) => t.path),
    ['src/service.ts'],
  );
  assert.equal(r.report.pruned.length, 2);
});

void test('V1-FR-CTX-004: the precise per-model hook decides when the fast pass is over the cap', async () => {
  const seen: number[] = [];
  const precise = (text: string) => {
    seen.push(text.length);
    return Math.ceil(text.length / 10);
  };
  const cap = Math.ceil(all.reduce((a, s) => a + s.text.length, 0) / 10) + 20;
  assert.ok(total(all) > cap, 'fixture: fast pass alone would prune');
  const r = await fitToCap(all, { contextCapTokens: cap, preciseCount: precise });
  assert.ok(r.ok);
  assert.equal(r.report.measure, 'precise');
  assert.deepEqual(r.report.pruned, []);
  assert.ok(seen.length >= all.length);
});

void test('PRD V1 §5.1: confidence = round((0.40·parse + 0.35·symbol + 0.25·snippet) × 100) with its components', () => {
  assert.equal(confidenceScore({ parseRate: 1, symbolRate: 1, snippetCompleteness: 1 }).score, 100);
  assert.equal(
    confidenceScore({ parseRate: 1, symbolRate: 0.5, snippetCompleteness: 1 }).score,
    83,
  );
  assert.equal(
    confidenceScore({ parseRate: 0.5, symbolRate: 0, snippetCompleteness: 0 }).score,
    20,
  );
  const s = confidenceScore({ parseRate: 0.25, symbolRate: 0.2, snippetCompleteness: 0.1 });
  assert.equal(s.score, 20); // 10 + 7 + 2.5 = 19.5 → 20
  assert.deepEqual(s.components, { parseRate: 0.25, symbolRate: 0.2, snippetCompleteness: 0.1 });
  assert.deepEqual(s.weights, { parseRate: 0.4, symbolRate: 0.35, snippetCompleteness: 0.25 });
});

void test('PRD V1 §5.1: thresholds — ≥40 AST_SYMBOLIC, 20–39 BLACK_BOX, <20 EXACT_SEARCH_REPLACE; the gate is configurable', () => {
  assert.equal(modeFor(40), 'AST_SYMBOLIC');
  assert.equal(modeFor(39), 'BLACK_BOX');
  assert.equal(modeFor(20), 'BLACK_BOX');
  assert.equal(modeFor(19), 'EXACT_SEARCH_REPLACE');
  const t = confidenceThresholdsFromConfig(60);
  assert.deepEqual(t, { astSymbolic: 60, exactSearchReplaceOnly: 20 });
  assert.equal(
    confidenceScore({ parseRate: 1, symbolRate: 0.5, snippetCompleteness: 0 }, t).mode,
    'BLACK_BOX',
  );
  assert.deepEqual(confidenceThresholdsFromConfig(10), {
    astSymbolic: 10,
    exactSearchReplaceOnly: 10,
  });
});
