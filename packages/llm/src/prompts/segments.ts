/**
 * @module Messages by cache segment (V1-FR-CTX-006): tier 1 (1 h) = system template + dependency
 * interfaces, tier 2 (5 min) = approved spec + test spec, fresh = targets, task, error output,
 * user edits. A segment is marked for caching only when the prompt prefix it closes reaches
 * 1,024 tokens (the provider minimum). Caching is not a caller option.
 */
import type { PromptInput } from '../types';

export const CACHE_MIN_TOKENS = 1024;

/**
 * ~4 characters a token: cheap enough for every call (the router's overhead budget is < 5 ms);
 * the provider's own count decides billing, this only decides marking and estimates.
 * @example roughTokens('abcdefgh') // 2
 */
export const roughTokens = (text: string) => Math.ceil(text.length / 4);

export type CacheControl = { type: 'ephemeral'; ttl?: '1h' };
export type ContentPart = { type: 'text'; text: string; cache_control?: CacheControl };
export type ChatMessage = { role: 'system' | 'user'; content: ContentPart[] };

export type BuiltPrompt = {
  messages: ChatMessage[];
  /** Tokens of the marked (cacheable) prefix; 0 when nothing reached the minimum. */
  cacheableTokens: number;
  /** Rough count of everything sent, for the context cap and for estimates when usage is missing. */
  promptTokens: number;
};

const section = (title: string, body: string | undefined) => (body ? `## ${title}\n${body}` : '');
const join = (...parts: string[]) => parts.filter(Boolean).join('\n\n');

/**
 * Lays out the prompt. `extraFresh` carries the router's own retry notes (reinforcement).
 * @example buildMessages(systemText, prompt, []).messages.length // 3 when spec text is present
 */
export function buildMessages(
  system: string,
  prompt: PromptInput,
  extraFresh: readonly string[],
): BuiltPrompt {
  const slices = prompt.slices ?? [];
  const text = (role: string) =>
    slices
      .filter((s) => s.role === role)
      .map((s) => `### ${s.id}${s.pruned ? ' (bodies omitted)' : ''}\n${s.text}`)
      .join('\n\n');
  const tier1 = join(system, section('Dependency interfaces', text('dependency')));
  const tier2 = join(
    section('Approved spec', join(text('spec'), prompt.approvedSpec ?? '')),
    section('Test spec', prompt.testSpec),
  );
  const fresh = join(
    section('Target files', text('target')),
    section('Task', prompt.task),
    section('Error output', prompt.errorOutput),
    section('User edits', prompt.userEdits),
    ...extraFresh,
  );

  const t1 = roughTokens(tier1);
  const t2 = tier2 ? roughTokens(tier2) : 0;
  const messages: ChatMessage[] = [];
  let cacheableTokens = 0;
  const mark1 = t1 >= CACHE_MIN_TOKENS;
  messages.push({
    role: 'system',
    content: [
      {
        type: 'text',
        text: tier1,
        ...(mark1 ? { cache_control: { type: 'ephemeral', ttl: '1h' } } : {}),
      },
    ],
  });
  if (mark1) cacheableTokens = t1;
  if (tier2) {
    const mark2 = t1 + t2 >= CACHE_MIN_TOKENS;
    messages.push({
      role: 'user',
      content: [
        { type: 'text', text: tier2, ...(mark2 ? { cache_control: { type: 'ephemeral' } } : {}) },
      ],
    });
    if (mark2) cacheableTokens = t1 + t2;
  }
  messages.push({ role: 'user', content: [{ type: 'text', text: fresh }] });
  return { messages, cacheableTokens, promptTokens: t1 + t2 + roughTokens(fresh) };
}
