/**
 * @module The context builder's single entry point (issue #3): targets → dependency expansion →
 * secret gate → cap fitting with pruning → AST confidence → explainable manifest. Every failure
 * is a machine-readable error and happens before anything would be sent to a provider.
 */
import type { AstLanguage } from '../filters/language';
import { isAstLanguage } from '../filters/language';
import { anchorStats } from '../analysis/analyze-file';
import {
  confidenceScore,
  rate,
  type ConfidenceMode,
  type ConfidenceScore,
  type ConfidenceThresholds,
} from '../analysis/confidence';
import type { WorkspaceIndex } from '../analysis/index-workspace';
import { evaluateSecretGate, type SecretWaiver } from '../secrets/gate';
import { scanSecrets, type SecretFinding } from '../secrets/scan';
import type { PreciseTokenCounter } from '../tokens/estimate';
import { expandDependencies, type MissingDependency } from './expand';
import { fitToCap, type ContextCapError, type PruningReport } from './fit-to-cap';
import { buildManifest, type ContextManifest } from './manifest';
import type { Slice } from './slice';

/** Languages whose `AST_SYMBOLIC` edits passed PRD V1 §20 PoC #2 (the patch engine's set). */
export const DEFAULT_AST_SYMBOLIC_LANGUAGES: readonly AstLanguage[] = [
  'typescript',
  'tsx',
  'javascript',
  'python',
];

export type BuildContextInput = {
  index: WorkspaceIndex;
  targets: readonly string[];
  /** Approved BDD/SDD context; never pruned (V1-FR-CTX-004). */
  spec?: ReadonlyArray<{ name: string; text: string }>;
  /** The tier cap from the job's entitlement snapshot (`tier_context_caps`, DB_SCHEMA §8.1). */
  contextCapTokens: number;
  /** From `feature.baseline_ast_confidence_threshold`; see `confidenceThresholdsFromConfig`. */
  confidenceThresholds?: ConfidenceThresholds;
  preciseCount?: PreciseTokenCounter;
  secretWaivers?: readonly SecretWaiver[];
  maxDepth?: number;
  astSymbolicLanguages?: readonly AstLanguage[];
};

export type ModeReason =
  'SCORE' | 'LANGUAGE_WITHOUT_TREE_SITTER' | 'AST_SYMBOLIC_NOT_VALIDATED_FOR_LANGUAGE';

export type ContextConfidence = ConfidenceScore & {
  editMode: ConfidenceMode;
  modeReason: ModeReason;
};

export type ContextPackage = {
  slices: Slice[];
  manifest: ContextManifest;
  confidence: ContextConfidence;
  pruning: PruningReport;
  /** Pre-flight fast pass over what will be sent (tiktoken × 2.2). */
  fastPassTokens: number;
};

export type ContextError =
  | {
      code: 'TARGET_NOT_AVAILABLE';
      message: string;
      guidance: string;
      detail: { targets: Array<{ path: string; reason: string }> };
    }
  | {
      code: 'SECRET_DETECTED';
      message: string;
      guidance: string;
      detail: { findings: SecretFinding[] };
    }
  | {
      code: 'CONTEXT_DEPENDENCY_MISSING';
      message: string;
      guidance: string;
      detail: { missing: MissingDependency[] };
    }
  | ContextCapError;

export type BuildContextResult =
  { ok: true; context: ContextPackage } | { ok: false; error: ContextError };

/**
 * Builds the context package for one model request, or the reason it must not be sent.
 * @example
 * const r = await buildContext({ index, targets: ['src/service.ts'], contextCapTokens: 128_000 });
 * if (!r.ok) return fail(r.error.code, r.error.guidance);
 * send(r.context.slices); storeManifest(r.context.manifest);
 */
export async function buildContext(input: BuildContextInput): Promise<BuildContextResult> {
  const { index } = input;
  const unavailable = input.targets
    .filter((t) => !index.files.has(t))
    .map((t) => ({ path: t, reason: index.exclusions.get(t)?.reason ?? 'NOT_FOUND' }));
  if (unavailable.length || input.targets.length === 0) {
    return fail({
      code: 'TARGET_NOT_AVAILABLE',
      message: input.targets.length
        ? `${unavailable.length} selected target(s) cannot be sent.`
        : 'No target selected.',
      guidance:
        'Select source files that are not ignored, generated, minified, binary or over the size limit.',
      detail: { targets: unavailable },
    });
  }

  const expansion = expandDependencies(index, input.targets, input.maxDepth ?? 2);
  const specSlices: Slice[] = (input.spec ?? []).map((s) => ({
    id: `spec:${s.name}`,
    path: `spec:${s.name}`,
    role: 'spec',
    text: s.text,
    critical: true,
    complete: true,
    pruned: false,
    depth: 0,
    reasons: [{ kind: 'spec' }],
  }));

  // V1-FR-SEC-003: every file that contributes any slice is scanned whole, and the spec text too.
  const findings: SecretFinding[] = [];
  for (const path of new Set(expansion.slices.map((s) => s.path)))
    findings.push(...scanSecrets(path, index.files.get(path)!.text));
  for (const s of specSlices) findings.push(...scanSecrets(s.path, s.text));
  const gate = evaluateSecretGate(findings, input.secretWaivers);
  if (gate.blocked) {
    return fail({
      code: 'SECRET_DETECTED',
      message: `${gate.unresolved.length} possible secret(s) found in files that would be uploaded.`,
      guidance:
        'Remove the secrets (use environment variables), or add the files to .iamaignore. Heuristic findings can be marked as false positives.',
      detail: { findings: gate.unresolved },
    });
  }

  // V1-FR-CTX-002: a source dependency we may not read is a validation failure, not a silent gap.
  const critical = expansion.missingDependencies;
  if (critical.length) {
    return fail({
      code: 'CONTEXT_DEPENDENCY_MISSING',
      message: `${critical.length} source dependency file(s) of the selection are ignored or filtered out.`,
      guidance:
        'Include the listed files (adjust .iamaignore) or choose targets that do not depend on them.',
      detail: { missing: critical },
    });
  }

  const fit = await fitToCap([...specSlices, ...expansion.slices], {
    contextCapTokens: input.contextCapTokens,
    ...(input.preciseCount ? { preciseCount: input.preciseCount } : {}),
  });
  if (!fit.ok) return fail(fit.error);

  const confidence = scoreConfidence(input, fit.slices);
  const manifest = buildManifest(
    fit.slices,
    input.targets,
    expansion.missingSymbols,
    fit.report,
    confidence,
  );
  return {
    ok: true,
    context: {
      slices: fit.slices,
      manifest,
      confidence,
      pruning: fit.report,
      fastPassTokens: manifest.fastPassTokens,
    },
  };
}

function scoreConfidence(input: BuildContextInput, slices: readonly Slice[]): ContextConfidence {
  const { index } = input;
  let astTargets = 0;
  let clean = 0;
  let candidates = 0;
  let unique = 0;
  let modeReason: ModeReason = 'SCORE';
  const symbolic = input.astSymbolicLanguages ?? DEFAULT_AST_SYMBOLIC_LANGUAGES;
  for (const t of input.targets) {
    const language = index.files.get(t)!.language;
    if (!isAstLanguage(language)) {
      modeReason = 'LANGUAGE_WITHOUT_TREE_SITTER';
      continue;
    }
    if (!symbolic.includes(language) && modeReason === 'SCORE')
      modeReason = 'AST_SYMBOLIC_NOT_VALIDATED_FOR_LANGUAGE';
    const a = index.analyses.get(t)!;
    astTargets++;
    if (a.parsedCleanly) clean++;
    const s = anchorStats(a.declarations);
    candidates += s.candidates;
    unique += s.unique;
  }
  const code = slices.filter((s) => s.role !== 'spec');
  const score = confidenceScore(
    {
      // With no AST-analysable target there is nothing parsed: the parse component is 0, not vacuously 1.
      parseRate: astTargets ? clean / astTargets : 0,
      symbolRate: astTargets ? rate(unique, candidates) : 0,
      snippetCompleteness: rate(code.filter((s) => s.complete).length, code.length),
    },
    input.confidenceThresholds,
  );
  return {
    ...score,
    editMode: modeReason === 'SCORE' ? score.mode : 'EXACT_SEARCH_REPLACE',
    modeReason,
  };
}

const fail = (error: ContextError): BuildContextResult => ({ ok: false, error });
