/**
 * @module Redaction before anything leaves IAMA for a ticketing system (V1-FR-SUP-003): secret
 * values (the context package's upload rules), bearer tokens and JWTs, email addresses, and
 * properties whose name says they hold a credential. Metadata-only payloads (V1-FR-SUP-005) also
 * lose fenced code blocks from free text. Pure.
 */
import { SECRET_RULES } from '@iama/context';

export const REDACTED = '[REDACTED]';
const SECRET_KEY =
  /(?:secret|token|passw(?:or)?d|pwd|api[_-]?key|apikey|access[_-]?key|auth|credential|private[_-]?key|cookie|session)/i;
const EXTRA: { id: string; pattern: RegExp }[] = [
  { id: 'bearer', pattern: /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g },
  { id: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g },
  { id: 'admin-token', pattern: /\biama_adm_[A-Za-z0-9_-]{20,}/g },
  { id: 'email', pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g },
];

/**
 * @example redactText('key=AKIA' + 'ABCDEFGHIJKLMNOP') // 'key=[REDACTED:aws-access-key-id]'
 */
export function redactText(text: string): string {
  let out = text;
  for (const rule of SECRET_RULES) {
    const re = new RegExp(
      rule.pattern.source,
      rule.pattern.flags.includes('g') ? rule.pattern.flags : `${rule.pattern.flags}g`,
    );
    out = out.replace(re, (match: string, ...groups: unknown[]) => {
      const value =
        rule.valueGroup === undefined ? match : (groups[rule.valueGroup - 1] as string | undefined);
      if (value === undefined || (rule.accept && !rule.accept(value))) return match;
      return rule.valueGroup === undefined
        ? `[REDACTED:${rule.id}]`
        : match.replace(value, `[REDACTED:${rule.id}]`);
    });
  }
  for (const { id, pattern } of EXTRA) out = out.replace(pattern, `[REDACTED:${id}]`);
  return out;
}

/** Free text of a metadata-only ticket: code blocks removed, then redacted. */
export function metadataOnlyText(text: string): string {
  return redactText(
    text.replace(/```[\s\S]*?(?:```|$)/g, '[code removed: metadata-only support policy]'),
  );
}

/** Redacts every string of a JSON-like value; credential-named properties are dropped to `[REDACTED]`. */
export function redactValue(value: unknown, maxString = 2000): unknown {
  if (typeof value === 'string')
    return redactText(
      value.length > maxString ? `${value.slice(0, maxString)}…[truncated]` : value,
    );
  if (Array.isArray(value)) return value.map((v) => redactValue(v, maxString));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        SECRET_KEY.test(k) ? REDACTED : redactValue(v, maxString),
      ]),
    );
  }
  return value;
}
