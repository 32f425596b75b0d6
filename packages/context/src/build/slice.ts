/**
 * @module The unit of a context payload and of its explainable manifest (V1-FR-CTX-001, 003): a
 * slice is a target file, a dependency declaration, or the approved spec, with the reasons it
 * was included.
 */
import type { SymbolKind } from '@iama/syntax';
import type { SourceLanguage } from '../filters/language';

/** The kinds `@iama/syntax` names declarations with. */
export type DeclarationKind = SymbolKind;

export type InclusionReason =
  | { kind: 'target' }
  | { kind: 'spec' }
  /** `by` imports `symbol` from this file; `depth` 1 is a direct import of a target. */
  | { kind: 'imported-symbol'; by: string; symbol: string; depth: number }
  /** `by` imports the whole module (namespace, default-less `import x`, Python `import m`, Java wildcard). */
  | { kind: 'imported-module'; by: string; depth: number }
  /** A type named in the signature of another included slice. */
  | { kind: 'referenced-type'; by: string; symbol: string; depth: number }
  /** Java: same package, used without an import. */
  | { kind: 'same-package'; by: string; symbol: string; depth: number };

export type Slice = {
  /** `path` for whole files, `path#Symbol` for declarations, `spec:<name>` for spec context. */
  id: string;
  path: string;
  language?: SourceLanguage;
  role: 'target' | 'dependency' | 'spec';
  symbol?: string;
  declarationKind?: DeclarationKind;
  /** The text as it will be sent (after pruning, when pruned). */
  text: string;
  /** Signature-only form, when the slice has implementation bodies to strip. */
  prunedText?: string;
  /** Targets, spec and type/interface declarations are never pruned (V1-FR-CTX-002, 004). */
  critical: boolean;
  /** A whole AST subtree, not a mid-block cut (PRD V1 §5.1 snippet completeness). */
  complete: boolean;
  pruned: boolean;
  depth: number;
  reasons: InclusionReason[];
};
