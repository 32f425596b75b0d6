/**
 * @module The explainable context manifest (V1-FR-CTX-003): every slice sent with its inclusion
 * reasons, its token estimate and whether it was pruned, plus the pruning report and the
 * confidence components. It holds paths and symbol names, never source text, so it can be
 * stored with the job's metadata.
 */
import type { ConfidenceScore } from '../analysis/confidence';
import { fastPassEstimate } from '../tokens/estimate';
import type { MissingSymbol } from './expand';
import type { PruningReport } from './fit-to-cap';
import type { InclusionReason, Slice } from './slice';

export type ManifestEntry = {
  id: string;
  path: string;
  role: Slice['role'];
  symbol?: string;
  declarationKind?: Slice['declarationKind'];
  reasons: InclusionReason[];
  fastPassTokens: number;
  critical: boolean;
  complete: boolean;
  pruned: boolean;
};

export type ContextManifest = {
  targets: string[];
  entries: ManifestEntry[];
  missingSymbols: MissingSymbol[];
  pruning: PruningReport;
  confidence: ConfidenceScore & { editMode: string; modeReason: string };
  fastPassTokens: number;
};

/**
 * @example buildManifest(slices, ['src/a.ts'], [], report, confidence).entries[0].reasons // [{ kind: 'target' }]
 */
export function buildManifest(
  slices: readonly Slice[],
  targets: readonly string[],
  missingSymbols: readonly MissingSymbol[],
  pruning: PruningReport,
  confidence: ContextManifest['confidence'],
): ContextManifest {
  const entries = slices.map((s) => ({
    id: s.id,
    path: s.path,
    role: s.role,
    ...(s.symbol ? { symbol: s.symbol } : {}),
    ...(s.declarationKind ? { declarationKind: s.declarationKind } : {}),
    reasons: s.reasons,
    fastPassTokens: fastPassEstimate(s.text),
    critical: s.critical,
    complete: s.complete,
    pruned: s.pruned,
  }));
  return {
    targets: [...targets],
    entries,
    missingSymbols: [...missingSymbols],
    pruning,
    confidence,
    fastPassTokens: entries.reduce((a, e) => a + e.fastPassTokens, 0),
  };
}
