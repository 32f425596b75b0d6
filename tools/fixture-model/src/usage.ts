/**
 * @module Deterministic token accounting of the fixture model (ARCHITECTURE D7; V1-FR-CTX-006
 * cache telemetry, V1-FR-SUB-004 budgets): about four characters a token, and a prompt cache
 * that behaves like the providers' — a hit only on a prefix an earlier request already sent.
 */
import { createHash } from 'node:crypto';
import { hasCacheMark, messageText, type ChatMessage } from './protocol';

export type Usage = {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
};

/** Per-message framing a chat template adds around each message's text. */
const MESSAGE_OVERHEAD_TOKENS = 4;

/**
 * The fixture's tokenizer: ceil(chars / 4).
 * @example estimateTokens('abcdefgh') // 2
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function messageTokens(m: ChatMessage): number {
  return estimateTokens(messageText(m)) + MESSAGE_OVERHEAD_TOKENS;
}

/**
 * Remembers the message prefixes of earlier requests. Without `cache_control` marks any
 * whole-message prefix can hit (OpenAI-style automatic caching); with marks only prefixes that
 * end on a marked message can (Anthropic-style breakpoints).
 */
export class PrefixCache {
  private readonly seen = new Set<string>();

  /** Tokens of the longest cached prefix of `messages`; then records every prefix of it. */
  lookupAndRecord(messages: readonly ChatMessage[]): number {
    const marked = messages.some(hasCacheMark);
    const hash = createHash('sha256');
    const prefixes: string[] = [];
    for (const m of messages) {
      hash.update(JSON.stringify([m.role, messageText(m)]));
      prefixes.push(hash.copy().digest('hex'));
    }
    let cachedUpTo = -1;
    prefixes.forEach((p, i) => {
      if (this.seen.has(p) && (!marked || hasCacheMark(messages[i]!))) cachedUpTo = i;
    });
    prefixes.forEach((p, i) => {
      if (!marked || hasCacheMark(messages[i]!)) this.seen.add(p);
    });
    let cached = 0;
    for (let i = 0; i <= cachedUpTo; i++) cached += messageTokens(messages[i]!);
    return cached;
  }

  clear(): void {
    this.seen.clear();
  }
}

export function usageFor(
  messages: readonly ChatMessage[],
  completion: string,
  cachedTokens: number,
): Usage {
  const prompt = messages.reduce((n, m) => n + messageTokens(m), 0);
  const completionTokens = estimateTokens(completion);
  return {
    prompt_tokens: prompt,
    completion_tokens: completionTokens,
    total_tokens: prompt + completionTokens,
    prompt_tokens_details: { cached_tokens: cachedTokens },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}
