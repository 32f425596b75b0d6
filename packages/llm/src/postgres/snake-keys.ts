/** @module Router metadata in the database's spelling: JSONB keys snake_case, like the columns. */

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Deep copy with object keys in snake_case; `undefined` values dropped (JSONB has none).
 * @example snakeKeys({ attemptNumber: 2, tokens: { cachedTokens: 0 } }) // { attempt_number: 2, tokens: { cached_tokens: 0 } }
 */
export function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[snake(k)] = snakeKeys(v);
  return out;
}
