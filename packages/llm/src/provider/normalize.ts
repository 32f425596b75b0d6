/**
 * @module Provider quirks normalized before anything leaves the router (PRD V1 §11 item 5):
 * usage arrives on its own chunk (OpenAI), on the finish chunk (some proxies), with cached
 * tokens as `prompt_tokens_details.cached_tokens` (OpenAI, LiteLLM) or
 * `cache_read_input_tokens` (Anthropic passthrough); content may be `null`; errors may arrive
 * inside a 200 stream.
 */
import type { TokenCounts } from '../types';

export type RawUsage = {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  cache_read_input_tokens?: number | null;
};

export type RawChunk = {
  id?: string;
  model?: string;
  choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
  usage?: RawUsage | null;
  error?: { message?: string; code?: string | number | null; type?: string };
};

/**
 * Normalized token counts; `null` when the provider sent none.
 * @example normalizeUsage({ prompt_tokens: 10, completion_tokens: 2, cache_read_input_tokens: 8 }) // { promptTokens: 10, cachedTokens: 8, completionTokens: 2 }
 */
export function normalizeUsage(u: RawUsage | null | undefined): TokenCounts | null {
  if (!u || typeof u.prompt_tokens !== 'number') return null;
  const cached = u.prompt_tokens_details?.cached_tokens ?? u.cache_read_input_tokens ?? 0;
  return {
    promptTokens: u.prompt_tokens,
    // Cached tokens are a subset of prompt tokens (OpenAI semantics); clamp providers that disagree.
    cachedTokens: Math.min(Math.max(0, cached), u.prompt_tokens),
    completionTokens: u.completion_tokens ?? 0,
  };
}

/** Finish reasons as the router understands them. */
export function normalizeFinish(
  reason: string | null | undefined,
): 'stop' | 'length' | 'other' | null {
  if (reason === null || reason === undefined) return null;
  if (reason === 'stop' || reason === 'end_turn' || reason === 'stop_sequence') return 'stop';
  if (reason === 'length' || reason === 'max_tokens') return 'length';
  return 'other';
}
