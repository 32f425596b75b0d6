/**
 * @module Token estimates (V1-FR-CTX-004/005; implementation plan phase 3, "tokenization
 * standard"): a pre-flight fast pass, a tiktoken-class count times a 2.2 safety multiplier,
 * and a hook through which the router supplies the precise per-model count.
 */
import { Tiktoken } from 'js-tiktoken/lite';
import cl100k from 'js-tiktoken/ranks/cl100k_base';

/** The pre-flight safety multiplier on the tiktoken-class count. */
export const FAST_PASS_MULTIPLIER = 2.2;

/** A precise, model-specific counter (for example the provider's count endpoint via the router). */
export type PreciseTokenCounter = (text: string) => number | Promise<number>;

let encoder: Tiktoken | undefined;

/**
 * Tiktoken-class (cl100k_base) token count; the ranks ship inside js-tiktoken, so this works offline.
 * @example countTokens('export const a = 1;') // 7
 */
export function countTokens(text: string): number {
  encoder ??= new Tiktoken(cl100k);
  // Special-token text in source code ('<|endoftext|>') is ordinary text here, not a control token.
  return encoder.encode(text, [], []).length;
}

/**
 * The pre-flight fast pass: `ceil(countTokens(text) × 2.2)`.
 * @example fastPassEstimate('export const a = 1;') // 16
 */
export function fastPassEstimate(text: string): number {
  return Math.ceil(countTokens(text) * FAST_PASS_MULTIPLIER);
}
