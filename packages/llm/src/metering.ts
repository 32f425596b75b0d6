/**
 * @module Credits per call (PRD V1 §9.10, V1-FR-CTX-006): uncached input at the input price,
 * cached input at the cache-read rate, output at the output price, from a price table per
 * model alias. The ledger key is `{job_id}:{model_class}:{attempt_number}` (AGENT.md
 * resolution 7), so the same call retried is metered once.
 */
import { creditsForUsage, type ModelClass, type TokenPrices } from '@iama/contracts';
import type { TokenCounts } from './types';

/** USD per token by LiteLLM alias (`l1`, `l2`, `l3`). */
export type PriceTable = Readonly<Record<string, TokenPrices>>;

/**
 * Prices used when the operator configured none: labelled as the fixture model's, chosen so
 * tests read round numbers (1 C per 10,000 input tokens on L1). Never a provider's real price.
 */
export const FIXTURE_PRICES: PriceTable = Object.freeze({
  l1: { input: 1e-6, output: 4e-6 },
  l2: { input: 3e-6, output: 15e-6 },
  l3: { input: 15e-6, output: 75e-6 },
});

/**
 * @example ledgerKey('6f1…', 'L2', 4) // '6f1…:L2:4'
 */
export const ledgerKey = (jobId: string, modelClass: ModelClass, attemptNumber: number) =>
  `${jobId}:${modelClass}:${attemptNumber}`;

/**
 * Credits of one or more provider calls' tokens; `prompt_tokens` include the cached ones.
 * @example creditsFor({ promptTokens: 2000, cachedTokens: 1500, completionTokens: 100 }, FIXTURE_PRICES.l1)
 */
export function creditsFor(tokens: TokenCounts, prices: TokenPrices): number {
  return creditsForUsage(
    {
      inputTokens: tokens.promptTokens - tokens.cachedTokens,
      outputTokens: tokens.completionTokens,
      cacheReadTokens: tokens.cachedTokens,
    },
    prices,
  );
}

export const addTokens = (a: TokenCounts, b: TokenCounts): TokenCounts => ({
  promptTokens: a.promptTokens + b.promptTokens,
  cachedTokens: a.cachedTokens + b.cachedTokens,
  completionTokens: a.completionTokens + b.completionTokens,
});

export const ZERO_TOKENS: TokenCounts = Object.freeze({
  promptTokens: 0,
  cachedTokens: 0,
  completionTokens: 0,
});

/**
 * `usage_ledger.quantity` is an INTEGER (DB_SCHEMA §2) but credits are fractional (PRD V1 §9.10),
 * so a `phase_N_call` row stores milli-credits: 1 unit = 0.001 C = $0.00001. Rounded once, half
 * up, per row (docs/llm/decisions.md, "Ledger units").
 */
export const LEDGER_UNITS_PER_CREDIT = 1000;

/**
 * Credits → `usage_ledger.quantity` of a `phase_N_call` row.
 * @example ledgerQuantity(0.3004) // 300
 */
export function ledgerQuantity(credits: number): number {
  const units = Math.round(credits * LEDGER_UNITS_PER_CREDIT);
  if (!Number.isFinite(units) || units < 0 || units > 2_147_483_647)
    throw new RangeError(`credits ${credits} do not fit usage_ledger.quantity`);
  return units;
}

/**
 * `usage_ledger.quantity` (or a sum of them) of `phase_N_call` rows → credits.
 * @example creditsOfLedgerQuantity(300) // 0.3
 */
export const creditsOfLedgerQuantity = (quantity: number): number =>
  quantity / LEDGER_UNITS_PER_CREDIT;
