/**
 * @module The AST confidence score of PRD V1 §5.1: three component rates, weighted 40/35/25, a
 * 0–100 integer, and the edit mode it implies. The thresholds come from configuration
 * (`feature.baseline_ast_confidence_threshold`, DB_SCHEMA §8.1) and are passed in.
 */

export type ConfidenceComponents = {
  /** Selected target files parsed without syntax errors / selected target files. */
  parseRate: number;
  /** Anchor candidates found exactly once / anchor candidates; duplicates and misses count 0. */
  symbolRate: number;
  /** Snippets that are complete AST subtrees / snippets sent. */
  snippetCompleteness: number;
};

export const CONFIDENCE_WEIGHTS = {
  parseRate: 0.4,
  symbolRate: 0.35,
  snippetCompleteness: 0.25,
} as const;

export type ConfidenceThresholds = {
  /** At or above: `AST_SYMBOLIC` (default 40, `feature.baseline_ast_confidence_threshold`). */
  astSymbolic: number;
  /** Below: `EXACT_SEARCH_REPLACE` only (PRD V1 §5.1: 20). Between the two: black-box mode. */
  exactSearchReplaceOnly: number;
};

export const DEFAULT_CONFIDENCE_THRESHOLDS: ConfidenceThresholds = {
  astSymbolic: 40,
  exactSearchReplaceOnly: 20,
};

/** The job's edit mode. `BLACK_BOX` keeps AST edits available only after explicit user acknowledgement. */
export type ConfidenceMode = 'AST_SYMBOLIC' | 'BLACK_BOX' | 'EXACT_SEARCH_REPLACE';

export type ConfidenceScore = {
  score: number;
  components: ConfidenceComponents;
  weights: typeof CONFIDENCE_WEIGHTS;
  thresholds: ConfidenceThresholds;
  mode: ConfidenceMode;
};

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

/**
 * `round((0.40·parse + 0.35·symbol + 0.25·snippet) × 100)`, the mode its thresholds imply, and its parts.
 * The PRD writes `round(…) × 100`; rounding first would allow only 0 or 100, contradicting the
 * "integer 0–100" it defines, so the weighted sum is scaled first (docs/context/decisions.md).
 * @example
 * confidenceScore({ parseRate: 1, symbolRate: 0.5, snippetCompleteness: 1 }).score // 83
 */
export function confidenceScore(
  components: ConfidenceComponents,
  thresholds: ConfidenceThresholds = DEFAULT_CONFIDENCE_THRESHOLDS,
): ConfidenceScore {
  const c = {
    parseRate: clamp01(components.parseRate),
    symbolRate: clamp01(components.symbolRate),
    snippetCompleteness: clamp01(components.snippetCompleteness),
  };
  const weighted =
    CONFIDENCE_WEIGHTS.parseRate * c.parseRate +
    CONFIDENCE_WEIGHTS.symbolRate * c.symbolRate +
    CONFIDENCE_WEIGHTS.snippetCompleteness * c.snippetCompleteness;
  // Scale in integer hundredths first so 0.825 rounds to 83, not 82 (binary float artefacts).
  const score = Math.round(Math.round(weighted * 1e6) / 1e4);
  return {
    score,
    components: c,
    weights: CONFIDENCE_WEIGHTS,
    thresholds,
    mode: modeFor(score, thresholds),
  };
}

/**
 * @example modeFor(30, { astSymbolic: 40, exactSearchReplaceOnly: 20 }) // 'BLACK_BOX'
 */
export function modeFor(
  score: number,
  thresholds: ConfidenceThresholds = DEFAULT_CONFIDENCE_THRESHOLDS,
): ConfidenceMode {
  if (score >= thresholds.astSymbolic) return 'AST_SYMBOLIC';
  if (score >= thresholds.exactSearchReplaceOnly) return 'BLACK_BOX';
  return 'EXACT_SEARCH_REPLACE';
}

/**
 * Rate with an empty denominator treated as fully satisfied (no anchors asked for is not a failure).
 * @example rate(3, 4) // 0.75
 */
export function rate(numerator: number, denominator: number): number {
  return denominator === 0 ? 1 : numerator / denominator;
}

/**
 * Thresholds from the operator value of `feature.baseline_ast_confidence_threshold` (the
 * AST-symbolic gate). The `EXACT_SEARCH_REPLACE` floor stays at PRD V1 §5.1's 20, never above
 * the configured gate.
 * @example confidenceThresholdsFromConfig(50) // { astSymbolic: 50, exactSearchReplaceOnly: 20 }
 */
export function confidenceThresholdsFromConfig(
  baselineAstConfidenceThreshold: number,
): ConfidenceThresholds {
  const gate = Math.min(100, Math.max(0, baselineAstConfidenceThreshold));
  return {
    astSymbolic: gate,
    exactSearchReplaceOnly: Math.min(DEFAULT_CONFIDENCE_THRESHOLDS.exactSearchReplaceOnly, gate),
  };
}
