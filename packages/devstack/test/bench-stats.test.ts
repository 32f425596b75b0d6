/** Benchmark statistics (ARCHITECTURE §5: benchmarks print numbers): nearest-rank percentiles. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { percentile } from '../src/bench-stats';

void test('ARCHITECTURE §5: nearest-rank percentile over unsorted samples, input untouched', () => {
  const xs = [5, 1, 3, 2, 4];
  assert.equal(percentile(xs, 50), 3);
  assert.equal(percentile(xs, 99), 5);
  assert.equal(percentile(xs, 1), 1);
  assert.deepEqual(xs, [5, 1, 3, 2, 4]);
});

void test('failure path: no samples give NaN rather than a made-up number', () => {
  assert.ok(Number.isNaN(percentile([], 50)));
});
