/**
 * @module The upload gate of V1-FR-SEC-003: any unresolved finding blocks the payload. A `high`
 * finding is resolved only by removing the secret or ignoring its file; a `medium` finding may
 * also be waived as a false positive by naming its path, line and rule.
 */
import type { SecretFinding } from './scan';

export type SecretWaiver = { path: string; line: number; ruleId: string };

export type SecretGateResult =
  | { blocked: false; waived: SecretFinding[] }
  | { blocked: true; unresolved: SecretFinding[]; waived: SecretFinding[] };

/**
 * @example
 * evaluateSecretGate(findings, [{ path: 'src/a.ts', line: 3, ruleId: 'high-entropy-assignment' }])
 */
export function evaluateSecretGate(
  findings: readonly SecretFinding[],
  waivers: readonly SecretWaiver[] = [],
): SecretGateResult {
  const isWaived = (f: SecretFinding) =>
    f.severity === 'medium' &&
    waivers.some((w) => w.path === f.path && w.line === f.line && w.ruleId === f.ruleId);
  const waived = findings.filter(isWaived);
  const unresolved = findings.filter((f) => !isWaived(f));
  return unresolved.length ? { blocked: true, unresolved, waived } : { blocked: false, waived };
}
