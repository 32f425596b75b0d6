/**
 * @module One streaming chat-completions call to the LiteLLM Proxy (ARCHITECTURE D2,
 * V1-FR-ROUTE-001; PRD V1 §11 note: `stream: true` always). The caller's abort signal and the
 * output-cap guard both cut the HTTP stream, which closes the connection so the proxy stops
 * the upstream generation (SERVICE_ARCHITECTURE §3.4).
 */
import { drainEvents } from './sse';
import { normalizeFinish, normalizeUsage, type RawChunk } from './normalize';
import type { TokenCounts } from '../types';

export type StreamRequest = {
  /** Proxy base URL without `/v1`. */
  baseUrl: string;
  apiKey?: string;
  body: Record<string, unknown>;
  signal?: AbortSignal;
  /** Cut the stream once the running output estimate passes this many tokens. */
  cutAtTokens: number;
  /** Called for each content delta with the running output estimate. */
  onDelta?: (outputTokens: number) => void;
};

export type StreamOutcome = {
  content: string;
  finish: 'stop' | 'length' | 'other' | null;
  usage: TokenCounts | null;
  /** The router stopped reading because the output ran past `cutAtTokens`. */
  cut: boolean;
  /** Output tokens estimated from the text (used when the stream ended without usage). */
  estimatedOutputTokens: number;
};

export type ProviderFailureKind = 'rate_limited' | 'server' | 'client' | 'network' | 'stream_error';

/** A provider-side failure; `message` carries status and error type only, never provider text. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    readonly kind: ProviderFailureKind,
    readonly status: number | null,
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
  get retryable(): boolean {
    return this.kind !== 'client';
  }
}

const estimate = (chars: number) => Math.ceil(chars / 4);

/**
 * Streams one completion. Throws {@link ProviderError} on HTTP/stream failures and the signal's
 * reason when the caller aborts.
 * @example const out = await streamChat({ baseUrl, body, cutAtTokens: 6000, signal });
 */
export async function streamChat(req: StreamRequest): Promise<StreamOutcome> {
  const local = new AbortController();
  const onAbort = () => local.abort(req.signal!.reason);
  if (req.signal?.aborted) throw req.signal.reason;
  req.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let res: Response;
    try {
      res = await fetch(`${req.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          ...(req.apiKey ? { authorization: `Bearer ${req.apiKey}` } : {}),
        },
        body: JSON.stringify({
          ...req.body,
          stream: true,
          stream_options: { include_usage: true },
        }),
        signal: local.signal,
      });
    } catch (err) {
      if (req.signal?.aborted) throw req.signal.reason;
      throw new ProviderError(
        'network',
        null,
        `proxy unreachable: ${(err as Error).cause ? String((err as Error & { cause: unknown }).cause) : (err as Error).message}`,
      );
    }
    if (!res.ok) throw await httpError(res);
    return await readStream(res, req, local);
  } finally {
    req.signal?.removeEventListener('abort', onAbort);
  }
}

async function readStream(
  res: Response,
  req: StreamRequest,
  local: AbortController,
): Promise<StreamOutcome> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let content = '';
  let finish: StreamOutcome['finish'] = null;
  let usage: TokenCounts | null = null;
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (err) {
        if (req.signal?.aborted) throw req.signal.reason;
        throw new ProviderError('stream_error', null, `stream broke: ${(err as Error).message}`);
      }
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      const { data, rest } = drainEvents(buffer);
      buffer = rest;
      for (const d of data) {
        if (d === '[DONE]')
          return {
            content,
            finish,
            usage,
            cut: false,
            estimatedOutputTokens: estimate(content.length),
          };
        let parsed: RawChunk;
        try {
          parsed = JSON.parse(d) as RawChunk;
        } catch {
          throw new ProviderError('stream_error', null, 'unparseable stream event');
        }
        if (parsed.error)
          throw new ProviderError(
            'stream_error',
            null,
            `provider error in stream (${String(parsed.error.type ?? parsed.error.code ?? 'unknown')})`,
          );
        usage = normalizeUsage(parsed.usage) ?? usage;
        const choice = parsed.choices?.[0];
        if (choice?.delta?.content) {
          content += choice.delta.content;
          const out = estimate(content.length);
          req.onDelta?.(out);
          if (out > req.cutAtTokens) {
            // Stop paying for output that will be discarded anyway (PRD V1 §11 cap table).
            local.abort(new Error('output cap guard'));
            await reader.cancel().catch(() => {});
            return { content, finish: 'length', usage, cut: true, estimatedOutputTokens: out };
          }
        }
        finish = normalizeFinish(choice?.finish_reason) ?? finish;
      }
    }
    return { content, finish, usage, cut: false, estimatedOutputTokens: estimate(content.length) };
  } finally {
    if (req.signal?.aborted) await reader.cancel().catch(() => {});
  }
}

async function httpError(res: Response): Promise<ProviderError> {
  // Only the error's type/code: provider messages can echo parts of the request (our prompt).
  let message = `HTTP ${res.status}`;
  try {
    const body = (await res.json()) as { error?: { type?: unknown; code?: unknown } };
    const tag = [body.error?.type, body.error?.code]
      .filter((v) => typeof v === 'string' || typeof v === 'number')
      .join('/');
    if (tag) message = `HTTP ${res.status} (${tag})`;
  } catch {
    // non-JSON error body: the status says enough
  }
  const retryAfter = Number(res.headers.get('retry-after'));
  const retryAfterMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : null;
  if (res.status === 429) return new ProviderError('rate_limited', 429, message, retryAfterMs);
  if (res.status >= 500) return new ProviderError('server', res.status, message, retryAfterMs);
  return new ProviderError('client', res.status, message);
}
