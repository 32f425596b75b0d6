/**
 * @module The telemetry privacy gate (V1-FR-ANA-003; API_CONTRACT §13 invariant 8): an event
 * is stored only when it is metadata. On top of the contracts rule (`isMetadataOnlyEvent`: flat,
 * short, single-line primitives under metadata-like names) every string value is checked for
 * secrets (the context package's upload rules) and for the shapes of source code, so a
 * `{"label": "function f(){return 1}"}` is refused too. Pure.
 */
import { isMetadataOnlyEvent, type TelemetryEvent } from '@iama/contracts';
import { SECRET_RULES } from '@iama/context';

/** Punctuation and keywords that metadata values (ids, enums, counts, names) do not contain. */
const CODE_SHAPES = [
  /[{};]/,
  /=>|::|->|\|\||&&|\+\+|==/,
  /\b(?:function|return|import|export|class|def|lambda|const|let|var|public|private|static|void|package|namespace|async|await)\b/,
  /\b(?:SELECT|INSERT|UPDATE|DELETE)\s+\S/,
  /\b(?:Given|When|Then|Scenario|Feature):?\s/,
  /<\/?[a-z][\w-]*[\s>]/i,
  /\w\([^)]*\)\s*[:{=]/,
];

export type PrivacyVerdict =
  { ok: true } | { ok: false; reason: 'CONTENT_PROPERTY' | 'SECRET' | 'CODE_SHAPE' };

/** @example looksLikeCode('def f(x): return x') // true */
export function looksLikeCode(value: string): boolean {
  return CODE_SHAPES.some((re) => re.test(value));
}

function containsSecret(value: string): boolean {
  return SECRET_RULES.some((rule) => {
    const re = new RegExp(rule.pattern.source, rule.pattern.flags.replace('g', ''));
    const m = re.exec(value);
    if (!m) return false;
    const v = rule.valueGroup === undefined ? m[0] : m[rule.valueGroup];
    return v !== undefined && (rule.accept ? rule.accept(v) : true);
  });
}

/**
 * Whether an event may be stored, and why not.
 * @example checkTelemetryEvent({ event_name: 'patch_accepted', properties: { files: 2 }, timestamp: '2026-01-01T00:00:00Z' }) // { ok: true }
 */
export function checkTelemetryEvent(event: TelemetryEvent): PrivacyVerdict {
  if (!isMetadataOnlyEvent(event)) return { ok: false, reason: 'CONTENT_PROPERTY' };
  for (const [key, value] of Object.entries(event.properties)) {
    for (const text of [key, typeof value === 'string' ? value : '']) {
      if (!text) continue;
      if (containsSecret(text)) return { ok: false, reason: 'SECRET' };
      if (looksLikeCode(text)) return { ok: false, reason: 'CODE_SHAPE' };
    }
  }
  return { ok: true };
}
