/**
 * @module `@iama/context`: decides what may go to a model and what never leaves the machine
 * (issue #3; V1-FR-CTX-001…007, V1-FR-SEC-003/004, PRD V1 §5.1). Everything here is pure over
 * in-memory files except `workspace/walk`, the one module that reads a directory.
 */
export {
  EXCLUSION_REASONS,
  exclusion,
  type Exclusion,
  type ExclusionReason,
} from './filters/reason-codes';
export {
  AST_LANGUAGES,
  isAstLanguage,
  languageFromPath,
  languageFromShebang,
  type AstLanguage,
  type SourceLanguage,
  type TextLanguage,
} from './filters/language';
export {
  DEFAULT_HEURISTIC_LIMITS,
  looksBinary,
  lineStats,
  shannonEntropy,
  type HeuristicLimits,
} from './filters/heuristics';
export {
  classifyContent,
  classifyPath,
  DEFAULT_FILE_LIMITS,
  type ContentVerdict,
  type FileLimits,
  type PathVerdict,
  type SourceFile,
} from './filters/classify';
export {
  createIgnoreMatcher,
  DEFAULT_IGNORE_PATTERNS,
  type IgnoreMatcher,
} from './ignore/iamaignore';
export {
  evaluateSecretGate,
  isSecretFileName,
  scanSecrets,
  SECRET_RULES,
  type SecretFinding,
  type SecretGateResult,
  type SecretRule,
  type SecretSeverity,
  type SecretWaiver,
} from './secrets/index';
export {
  countTokens,
  fastPassEstimate,
  FAST_PASS_MULTIPLIER,
  type PreciseTokenCounter,
} from './tokens/estimate';
export {
  CONFIDENCE_WEIGHTS,
  confidenceScore,
  DEFAULT_CONFIDENCE_THRESHOLDS,
  modeFor,
  type ConfidenceComponents,
  type ConfidenceMode,
  type ConfidenceScore,
  type ConfidenceThresholds,
  confidenceThresholdsFromConfig,
} from './analysis/confidence';
export type { SyntaxNode, ParseFn, ParsedTree } from './analysis/syntax-node';
export { outline, signatureText, type Declaration } from './analysis/outline';
export { extractImports, type ImportRef } from './analysis/imports';
export { indexPaths, resolveImport, type PathIndex } from './analysis/resolve';
export { analyzeFile, anchorStats, type FileAnalysis } from './analysis/analyze-file';
export {
  indexWorkspace,
  type ResolvedImport,
  type WorkspaceIndex,
} from './analysis/index-workspace';
export type { DeclarationKind, InclusionReason, Slice } from './build/slice';
export {
  expandDependencies,
  type Expansion,
  type MissingDependency,
  type MissingSymbol,
} from './build/expand';
export {
  fitToCap,
  type ContextCapError,
  type FitOptions,
  type FitResult,
  type PrunedEntry,
  type PruningReport,
} from './build/fit-to-cap';
export { buildManifest, type ContextManifest, type ManifestEntry } from './build/manifest';
export {
  buildContext,
  DEFAULT_AST_SYMBOLIC_LANGUAGES,
  type BuildContextInput,
  type BuildContextResult,
  type ContextConfidence,
  type ContextError,
  type ContextPackage,
  type ModeReason,
} from './build/build-context';
export {
  loadIgnoreMatcher,
  readWorkspaceFiles,
  walkWorkspace,
  type WalkOptions,
  type WorkspaceSnapshot,
} from './workspace/walk';
