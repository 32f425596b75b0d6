/**
 * @module Secret detection rules (V1-FR-SEC-003, PRD V1 §17 group 18). `high` findings block
 * upload until the secret is removed or its file ignored; `medium` findings (heuristic matches)
 * may also be waived by the user as false positives, finding by finding.
 */

export type SecretSeverity = 'high' | 'medium';

export type SecretRule = {
  id: string;
  severity: SecretSeverity;
  description: string;
  pattern: RegExp;
  /** Index of the capture group holding the secret value, when the rule checks the value itself. */
  valueGroup?: number;
  /** Extra check on the captured value; a match is kept only when this returns true. */
  accept?: (value: string) => boolean;
};

/** Values that are obviously placeholders in docs and examples, never real credentials. */
const PLACEHOLDER =
  /^(?:\$\{.*\}|\$[A-Z_]+|<.*>|\{\{.*\}\}|%\(.*\)s|(?:x+|\*+|changeme|password|secret|example|dummy|your[_-].*|test|null|none|undefined|process\.env.*|os\.environ.*))$/i;

/**
 * Shannon entropy of a short value in bits per character.
 * @example valueEntropy('aaaa') // 0
 */
export function valueEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    h -= p * Math.log2(p);
  }
  return h;
}

const looksRandom = (value: string) =>
  !PLACEHOLDER.test(value) &&
  valueEntropy(value) >= 3.5 &&
  /\d/.test(value) &&
  /[A-Za-z]/.test(value);

const SECRET_NAME =
  '(?:secret|token|passw(?:or)?d|pwd|api[_-]?key|apikey|access[_-]?key|auth[_-]?key|credential|private[_-]?key|client[_-]?secret)';

export const SECRET_RULES: readonly SecretRule[] = [
  {
    id: 'private-key',
    severity: 'high',
    description: 'PEM/OpenSSH/PGP private key block',
    pattern: /-----BEGIN (?:RSA |DSA |EC |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----/g,
  },
  {
    id: 'aws-access-key-id',
    severity: 'high',
    description: 'AWS access key id',
    pattern: /\b((?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16})\b/g,
    valueGroup: 1,
    // AWS documents its sample keys with an EXAMPLE suffix.
    accept: (v) => !v.endsWith('EXAMPLE'),
  },
  {
    id: 'aws-secret-access-key',
    severity: 'high',
    description: 'AWS secret access key assignment',
    pattern: /aws.{0,20}?secret.{0,20}?['"]?\s*[:=]\s*['"]?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi,
    valueGroup: 1,
    accept: (v) => !v.includes('EXAMPLE'),
  },
  {
    id: 'github-token',
    severity: 'high',
    description: 'GitHub token',
    pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b/g,
  },
  {
    id: 'stripe-secret-key',
    severity: 'high',
    description: 'Stripe secret or restricted key',
    pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g,
  },
  {
    id: 'stripe-webhook-secret',
    severity: 'high',
    description: 'Stripe webhook signing secret',
    pattern: /\bwhsec_[A-Za-z0-9]{24,}\b/g,
  },
  {
    id: 'slack-token',
    severity: 'high',
    description: 'Slack token',
    pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
  },
  {
    id: 'slack-webhook',
    severity: 'high',
    description: 'Slack incoming webhook URL',
    pattern: /https:\/\/hooks\.slack\.com\/services\/T[A-Za-z0-9]+\/B[A-Za-z0-9]+\/[A-Za-z0-9]+/g,
  },
  {
    id: 'google-api-key',
    severity: 'high',
    description: 'Google API key',
    pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g,
  },
  {
    id: 'openai-api-key',
    severity: 'high',
    description: 'OpenAI/Anthropic-style API key',
    pattern: /\bsk-(?:proj-|ant-(?:api\d+-)?)?[A-Za-z0-9_-]{32,}/g,
  },
  {
    id: 'npm-token',
    severity: 'high',
    description: 'npm access token',
    pattern: /\bnpm_[A-Za-z0-9]{36}\b/g,
  },
  {
    id: 'jwt',
    severity: 'medium',
    description: 'JSON Web Token',
    pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g,
  },
  {
    id: 'url-credentials',
    severity: 'medium',
    description: 'Password embedded in a connection URL',
    pattern: /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:@/'"]+:([^\s@/'"]{3,})@[^\s'"]+/gi,
    valueGroup: 1,
    accept: (v) => !PLACEHOLDER.test(v),
  },
  {
    id: 'high-entropy-assignment',
    severity: 'medium',
    description: 'High-entropy value assigned to a secret-like name',
    pattern: new RegExp(
      `${SECRET_NAME}[A-Za-z0-9_.-]*['"]?\\s*(?:[:=]|=>|:=)\\s*['"\`]([^'"\`\\s]{16,})['"\`]`,
      'gi',
    ),
    valueGroup: 1,
    accept: looksRandom,
  },
  {
    id: 'env-style-assignment',
    severity: 'medium',
    description: 'Unquoted secret-like environment assignment',
    pattern: new RegExp(
      `^[ \\t]*(?:export[ \\t]+)?[A-Z0-9_]*${SECRET_NAME.toUpperCase()}[A-Z0-9_]*[ \\t]*=[ \\t]*([^\\s'"#]{16,})[ \\t]*$`,
      'gm',
    ),
    valueGroup: 1,
    accept: looksRandom,
  },
];
