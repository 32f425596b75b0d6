/**
 * @module The slice of the OpenAI chat-completions protocol the fixture model speaks
 * (ARCHITECTURE D7): request validation and OpenAI-style error bodies, so that clients (the
 * LiteLLM Proxy, and through it the IAMA Router) see what a real provider would send.
 */

export type ContentPart = { type: string; text?: string; cache_control?: unknown };
export type ChatMessage = {
  role: string;
  content: string | ContentPart[] | null;
  cache_control?: unknown;
};

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; schema?: unknown; strict?: boolean } };

export type ChatRequest = {
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  includeUsageInStream: boolean;
  /** `max_completion_tokens` or the older `max_tokens`. */
  maxTokens: number | undefined;
  responseFormat: ResponseFormat | undefined;
};

export type OpenAiErrorBody = {
  error: { message: string; type: string; param: string | null; code: string | null };
};

/** A request the fixture refuses with 400, as a real provider would. */
export class BadRequest extends Error {
  constructor(
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

export function errorBody(
  message: string,
  type: string,
  param: string | null = null,
  code: string | null = null,
): OpenAiErrorBody {
  return { error: { message, type, param, code } };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates a parsed JSON body; throws {@link BadRequest} naming the offending parameter. */
export function parseChatRequest(body: unknown): ChatRequest {
  if (!isObject(body)) throw new BadRequest('request body must be a JSON object');
  if (typeof body.model !== 'string' || body.model === '')
    throw new BadRequest('`model` is required', 'model');
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    throw new BadRequest('`messages` must be a non-empty array', 'messages');
  }
  const messages = body.messages.map((m: unknown, i): ChatMessage => {
    if (!isObject(m) || typeof m.role !== 'string')
      throw new BadRequest(`messages[${i}].role is required`, `messages.${i}.role`);
    const c = m.content;
    const valid =
      c === null ||
      typeof c === 'string' ||
      (Array.isArray(c) && c.every((p) => isObject(p) && typeof p.type === 'string'));
    if (!valid)
      throw new BadRequest(
        `messages[${i}].content must be a string or an array of content parts`,
        `messages.${i}.content`,
      );
    const message: ChatMessage = { role: m.role, content: c as ChatMessage['content'] };
    if (m.cache_control !== undefined) message.cache_control = m.cache_control;
    return message;
  });
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (
    maxTokens !== undefined &&
    maxTokens !== null &&
    (!Number.isInteger(maxTokens) || (maxTokens as number) < 1)
  ) {
    throw new BadRequest('`max_tokens` must be a positive integer', 'max_tokens');
  }
  const streamOptions = isObject(body.stream_options) ? body.stream_options : {};
  return {
    model: body.model,
    messages,
    stream: body.stream === true,
    includeUsageInStream: streamOptions.include_usage === true,
    maxTokens: (maxTokens as number | null | undefined) ?? undefined,
    responseFormat: parseResponseFormat(body.response_format),
  };
}

function parseResponseFormat(rf: unknown): ResponseFormat | undefined {
  if (rf === undefined || rf === null) return undefined;
  if (!isObject(rf)) throw new BadRequest('`response_format` must be an object', 'response_format');
  if (rf.type === 'text' || rf.type === 'json_object') return { type: rf.type };
  if (rf.type === 'json_schema') {
    const js = rf.json_schema;
    if (!isObject(js) || typeof js.name !== 'string' || js.name === '') {
      throw new BadRequest(
        '`response_format.json_schema.name` is required',
        'response_format.json_schema.name',
      );
    }
    return {
      type: 'json_schema',
      json_schema: { name: js.name, schema: js.schema, strict: js.strict === true },
    };
  }
  throw new BadRequest(
    `unsupported response_format.type ${JSON.stringify(rf.type)}`,
    'response_format.type',
  );
}

/** The plain text of a message (text parts joined), which is what tokens are counted on. */
export function messageText(m: ChatMessage): string {
  if (typeof m.content === 'string') return m.content;
  if (m.content === null) return '';
  return m.content.map((p) => p.text ?? '').join('');
}

/** Whether a message carries a prompt-cache breakpoint (`cache_control` on it or one of its parts). */
export function hasCacheMark(m: ChatMessage): boolean {
  return (
    m.cache_control !== undefined ||
    (Array.isArray(m.content) && m.content.some((p) => p.cache_control !== undefined))
  );
}
