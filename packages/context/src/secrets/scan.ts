/**
 * @module Secret scanning of text about to leave the machine (V1-FR-SEC-003). A finding names the
 * file, line, column and rule; it never carries the matched text, so findings are safe to log,
 * display and store.
 */
import { SECRET_RULES, type SecretRule, type SecretSeverity } from './rules';
import { isSecretFileName } from './secret-files';

export type SecretFinding = {
  path: string;
  /** 1-based; 0 when the whole file is a credential file. */
  line: number;
  /** 1-based; 0 when the whole file is a credential file. */
  column: number;
  ruleId: string;
  severity: SecretSeverity;
  description: string;
};

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function position(starts: number[], index: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= index) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: index - starts[lo]! + 1 };
}

/**
 * Scans one file's text. Credential file names produce a single whole-file finding.
 * @example
 * scanSecrets('src/aws.ts', `const id = '${'AKIA' + 'X'.repeat(16)}';`)
 * // [{ path: 'src/aws.ts', line: 1, column: 13, ruleId: 'aws-access-key-id', severity: 'high', ... }]
 */
export function scanSecrets(
  path: string,
  text: string,
  rules: readonly SecretRule[] = SECRET_RULES,
): SecretFinding[] {
  if (isSecretFileName(path)) {
    return [
      {
        path,
        line: 0,
        column: 0,
        ruleId: 'secret-file',
        severity: 'high',
        description: 'Credential file (.env, private key, keystore)',
      },
    ];
  }
  const findings: SecretFinding[] = [];
  let starts: number[] | undefined;
  const seen = new Set<string>();
  for (const rule of rules) {
    rule.pattern.lastIndex = 0;
    for (const m of text.matchAll(rule.pattern)) {
      const value = rule.valueGroup === undefined ? m[0] : m[rule.valueGroup];
      if (value === undefined || (rule.accept && !rule.accept(value))) continue;
      const offset = rule.valueGroup === undefined ? m.index : m.index + m[0].indexOf(value);
      starts ??= lineStarts(text);
      const { line, column } = position(starts, offset);
      // A token matched by a specific rule and the generic one is reported once, by the specific rule.
      const key = `${line}:${column}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push({
        path,
        line,
        column,
        ruleId: rule.id,
        severity: rule.severity,
        description: rule.description,
      });
    }
  }
  return findings.sort((a, b) => a.line - b.line || a.column - b.column);
}
