/** @module Test helpers: OpenAI-style calls and SSE parsing, shared by the fixture-model tests. */

export type Chunk = {
  id: string;
  model: string;
  system_fingerprint?: string;
  choices: { delta: { content?: string; role?: string }; finish_reason?: string | null }[];
  usage?: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    prompt_tokens_details?: { cached_tokens?: number };
  };
};

export async function postChat(
  baseUrl: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer test-key', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Parses an SSE body into its JSON chunks; asserts the `[DONE]` terminator is last. */
export function parseSse(text: string): { chunks: Chunk[]; done: boolean } {
  const events = text.split('\n\n').filter((e) => e.trim() !== '');
  const data = events.map((e) => e.replace(/^data: /, ''));
  const done = data[data.length - 1] === '[DONE]';
  const chunks = data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d) as Chunk);
  return { chunks, done };
}

export const contentOf = (chunks: Chunk[]) =>
  chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');

export const user = (text: string) => ({ role: 'user', content: text });
