/**
 * @module The output contract (PRD V1 §11 items 1-3, 7): tolerant JSON parsing — the model's
 * JSON is cut out of prose or code fences, then `jsonrepair` fixes what it can — followed by
 * the family's zod schema. The caller decides on the repair retry and the fail-closed path.
 */
import { jsonrepair } from 'jsonrepair';
import { parseLlmOutput, type LlmOutput, type LlmSchemaFamily } from '@iama/contracts';

export type ParseOutcome<F extends LlmSchemaFamily> =
  | { ok: true; value: LlmOutput<F>; repaired: boolean }
  | { ok: false; stage: 'json' | 'schema'; issues: string[] };

/**
 * The JSON text inside an answer: a fenced block if there is one, else from the first `{` to
 * the last `}` (or to the end when the answer was cut short), else the answer itself.
 * @example extractJsonText('Sure:\n```json\n{"a":1}\n```') // '{"a":1}'
 */
export function extractJsonText(answer: string): string {
  const fenced = /```(?:json)?\s*\n([\s\S]*?)(?:```|$)/.exec(answer);
  if (fenced?.[1]?.trim()) return fenced[1].trim();
  const start = answer.indexOf('{');
  if (start < 0) return answer.trim();
  const end = answer.lastIndexOf('}');
  return (end > start ? answer.slice(start, end + 1) : answer.slice(start)).trim();
}

/**
 * Parses and validates one answer.
 * @example parseAnswer('patch_edit', text) // { ok: true, value, repaired: false }
 */
export function parseAnswer<F extends LlmSchemaFamily>(family: F, answer: string): ParseOutcome<F> {
  let value: unknown;
  let repaired = false;
  try {
    value = JSON.parse(answer);
  } catch {
    const text = extractJsonText(answer);
    try {
      value = JSON.parse(text);
    } catch {
      try {
        value = JSON.parse(jsonrepair(text));
      } catch {
        return {
          ok: false,
          stage: 'json',
          issues: ['answer is not JSON and could not be repaired'],
        };
      }
    }
    repaired = true;
  }
  const result = parseLlmOutput(family, value);
  if (!result.success) {
    return {
      ok: false,
      stage: 'schema',
      issues: result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    };
  }
  return { ok: true, value: result.data, repaired };
}
