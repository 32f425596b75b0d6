/** @module Summary statistics the benchmarks print (`npm run bench`; ARCHITECTURE §5). */

/**
 * Nearest-rank percentile of `xs` (unsorted; not modified).
 * @example percentile([5, 1, 3, 2, 4], 50) // 3
 */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  ]!;
}
