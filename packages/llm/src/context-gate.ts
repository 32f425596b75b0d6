/**
 * @module The tier context cap with the pruning gate (V1-FR-CTX-004/005, PRD V1 §11 items 9-10,
 * 13; ADR-002 "token cap enforcement + AST pruning gate"): the cap comes from the job's
 * entitlement snapshot; `@iama/context` prunes dependency bodies; still over → fail fast,
 * no provider call.
 */
import { FAST_PASS_MULTIPLIER, fitToCap, type PruningReport, type Slice } from '@iama/context';
import { RouterError } from './errors';

export type ContextGateResult = { slices: Slice[]; report: PruningReport | null };

/**
 * Fits the slices into `contextCap` minus what the rest of the prompt needs.
 * @example const { slices } = await applyContextCap(prompt.slices, snapshot.contextCap, templateTokens);
 */
export async function applyContextCap(
  slices: readonly Slice[] | undefined,
  contextCap: number,
  otherPromptTokens: number,
): Promise<ContextGateResult> {
  if (!slices?.length) {
    if (otherPromptTokens > contextCap) throw capError(contextCap, otherPromptTokens, null);
    return { slices: [], report: null };
  }
  const budget = contextCap - otherPromptTokens;
  if (budget <= 0) throw capError(contextCap, otherPromptTokens, null);
  // A BPE token is at least one UTF-8 byte, so bytes bound the fast-pass count from above: when
  // even that bound fits, fitToCap would prune nothing. Skipping its tokenizer pass keeps the
  // router's own cost per call in milliseconds (issue #4 benchmark); near the cap it still runs.
  if (fitsByBytes(slices, budget)) return { slices: [...slices], report: null };
  const fit = await fitToCap(slices, { contextCapTokens: budget });
  if (!fit.ok)
    throw capError(
      contextCap,
      fit.report.tokensAfter + otherPromptTokens,
      fit.report,
      fit.error.guidance,
      fit.error.detail.largestTargets,
    );
  return { slices: fit.slices, report: fit.report };
}

function capError(
  cap: number,
  tokens: number,
  report: PruningReport | null,
  guidance?: string,
  largestTargets?: unknown,
): RouterError {
  return new RouterError(
    'CONTEXT_CAP_EXCEEDED',
    `The request needs ${tokens} tokens after pruning; the plan allows ${cap}.`,
    {
      capTokens: cap,
      tokensAfterPruning: tokens,
      prunedSlices: report?.pruned.length ?? 0,
      guidance:
        guidance ??
        'Narrow the selection: choose fewer or smaller target files, or refactor them in separate jobs.',
      ...(largestTargets ? { largestTargets } : {}),
    },
  );
}

/** Upper bound of `fitToCap`'s fast-pass total: Σ ceil(bytes × FAST_PASS_MULTIPLIER) ≤ budget. */
function fitsByBytes(slices: readonly Slice[], budget: number): boolean {
  let bound = 0;
  for (const s of slices) {
    bound += Math.ceil(Buffer.byteLength(s.text, 'utf8') * FAST_PASS_MULTIPLIER);
    if (bound > budget) return false;
  }
  return true;
}
