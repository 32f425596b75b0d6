/**
 * @module Keeping a request within the tier context cap (V1-FR-CTX-004, 005; PRD V1 §11 items
 * 9, 10, 13): measure, strip non-critical dependency bodies (farthest and largest first), and
 * fail fast with an actionable error when even that is not enough. Targets and spec are never
 * pruned.
 */
import { fastPassEstimate, type PreciseTokenCounter } from '../tokens/estimate';
import type { Slice } from './slice';

export type PrunedEntry = {
  sliceId: string;
  path: string;
  symbol?: string;
  tokensBefore: number;
  tokensAfter: number;
};

export type PruningReport = {
  capTokens: number;
  /** Which count decided: the fast pass (tiktoken × 2.2) or the precise per-model hook. */
  measure: 'fast-pass' | 'precise';
  tokensBefore: number;
  tokensAfter: number;
  pruned: PrunedEntry[];
};

export type ContextCapError = {
  code: 'CONTEXT_CAP_EXCEEDED';
  message: string;
  /** What the user can do; shown as is by the IDE. */
  guidance: string;
  detail: {
    capTokens: number;
    tokensAfterPruning: number;
    unprunableTokens: number;
    measure: PruningReport['measure'];
    largestTargets: Array<{ path: string; tokens: number }>;
  };
};

export type FitResult =
  | { ok: true; slices: Slice[]; report: PruningReport }
  | { ok: false; error: ContextCapError; report: PruningReport };

export type FitOptions = { contextCapTokens: number; preciseCount?: PreciseTokenCounter };

/**
 * Fits slices under the cap. The fast pass alone admits a request when it is already under the
 * cap; otherwise the precise hook (when given) is authoritative, else the fast pass is.
 * @example
 * const r = await fitToCap(slices, { contextCapTokens: 128_000 });
 * if (!r.ok) reply(422, r.error); // no provider call
 */
export async function fitToCap(input: readonly Slice[], options: FitOptions): Promise<FitResult> {
  const cap = options.contextCapTokens;
  const slices = input.map((s) => ({ ...s }));
  const fast = slices.map((s) => fastPassEstimate(s.text));
  const fastTotal = sum(fast);
  const precise = options.preciseCount;
  if (fastTotal <= cap || !precise) {
    return prune(slices, fast, cap, 'fast-pass', (t) => fastPassEstimate(t));
  }
  const counts = await Promise.all(slices.map((s) => precise(s.text)));
  return prune(slices, counts, cap, 'precise', precise);
}

async function prune(
  slices: Slice[],
  counts: number[],
  cap: number,
  measure: PruningReport['measure'],
  count: (text: string) => number | Promise<number>,
): Promise<FitResult> {
  const tokensBefore = sum(counts);
  const pruned: PrunedEntry[] = [];
  // Farthest dependencies first, then the biggest: the semantic order of V1-FR-CTX-002, not file size alone.
  const order = slices
    .map((s, i) => i)
    .filter(
      (i) =>
        !slices[i]!.critical &&
        slices[i]!.role === 'dependency' &&
        slices[i]!.prunedText !== undefined,
    )
    .sort(
      (a, b) =>
        slices[b]!.depth - slices[a]!.depth ||
        counts[b]! - counts[a]! ||
        (slices[a]!.id < slices[b]!.id ? -1 : 1),
    );
  let total = tokensBefore;
  for (const i of order) {
    if (total <= cap) break;
    const s = slices[i]!;
    const after = await count(s.prunedText!);
    if (after >= counts[i]!) continue;
    pruned.push({
      sliceId: s.id,
      path: s.path,
      ...(s.symbol ? { symbol: s.symbol } : {}),
      tokensBefore: counts[i]!,
      tokensAfter: after,
    });
    total += after - counts[i]!;
    slices[i] = { ...s, text: s.prunedText!, pruned: true };
    counts[i] = after;
  }
  const report: PruningReport = {
    capTokens: cap,
    measure,
    tokensBefore,
    tokensAfter: total,
    pruned,
  };
  if (total <= cap) return { ok: true, slices, report };
  const unprunable = sum(
    slices.map((s, i) => (s.critical || s.pruned || s.prunedText === undefined ? counts[i]! : 0)),
  );
  const largestTargets = slices
    .map((s, i) => ({ s, tokens: counts[i]! }))
    .filter(({ s }) => s.role === 'target')
    .sort((a, b) => b.tokens - a.tokens)
    .slice(0, 5)
    .map(({ s, tokens }) => ({ path: s.path, tokens }));
  return {
    ok: false,
    report,
    error: {
      code: 'CONTEXT_CAP_EXCEEDED',
      message: `The request needs ${total} tokens after pruning; the plan allows ${cap}.`,
      guidance:
        'Narrow the selection: choose fewer or smaller target files, or refactor them in separate jobs.',
      detail: {
        capTokens: cap,
        tokensAfterPruning: total,
        unprunableTokens: unprunable,
        measure,
        largestTargets,
      },
    },
  };
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
