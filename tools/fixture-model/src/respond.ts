/**
 * @module What the fixture model answers (ARCHITECTURE D7): a request plus the server's counters
 * in, a completion or a scripted HTTP failure out. No I/O here; the server does the transport.
 */
import { BadRequest, errorBody, type ChatRequest, type OpenAiErrorBody } from './protocol';
import {
  FAILURE_MODES,
  familyOf,
  intOption,
  parseDirective,
  type FailureMode,
  type ScenarioFile,
} from './scenarios';
import { estimateTokens, usageFor, type PrefixCache, type Usage } from './usage';

export const FIXTURE_FINGERPRINT = 'iama-fixture-model';
export const FIXTURE_MODEL_PREFIX = 'iama-fixture/';

export type ChatCompletion = {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  system_fingerprint: string;
  choices: [
    {
      index: 0;
      message: { role: 'assistant'; content: string };
      finish_reason: 'stop' | 'length';
      logprobs: null;
    },
  ];
  usage: Usage;
};

export type Outcome =
  | { kind: 'error'; status: number; headers: Record<string, string>; body: OpenAiErrorBody }
  | { kind: 'completion'; completion: ChatCompletion; chunkCount: number; delayMs: number };

export type EngineState = {
  seq: number;
  /** Calls seen per `fail_then_succeed` key. */
  attempts: Map<string, number>;
  /** First answer per `repeat_identical` key, replayed verbatim. */
  replays: Map<string, ChatCompletion>;
  cache: PrefixCache;
};

/** What a selected request resolved to, for the request log. */
export type Selection = { family: string | undefined; scenario: string };

const DEFAULT_STREAM_CHUNKS = 16;
const SLOW_STREAM_CHUNKS = 4;
const SLOW_STREAM_DELAY_MS = 250;
const DEFAULT_OVER_CAP_LIMIT = 64;

/** The model name every answer carries, so fixture output is never mistaken for a provider's. */
export function fixtureModelName(requested: string): string {
  return requested.startsWith(FIXTURE_MODEL_PREFIX)
    ? requested
    : `${FIXTURE_MODEL_PREFIX}${requested}`;
}

export function selectScenario(req: ChatRequest, files: Record<string, ScenarioFile>): Selection {
  const family = familyOf(req);
  if (family !== undefined && !files[family]) {
    throw new BadRequest(
      `the fixture model has no scenarios for schema family ${JSON.stringify(family)} (known: ${Object.keys(files).join(', ')})`,
      'response_format',
    );
  }
  return { family, scenario: parseDirective(req).scenario };
}

export function respond(
  req: ChatRequest,
  files: Record<string, ScenarioFile>,
  state: EngineState,
): Outcome {
  const { family } = selectScenario(req, files);
  const { scenario, options } = parseDirective(req);
  const file = family === undefined ? undefined : files[family];
  const isMode = (FAILURE_MODES as readonly string[]).includes(scenario);
  if (!isMode && !(file && scenario in file.answers)) {
    const answers = file ? Object.keys(file.answers).join(', ') : 'none without a schema family';
    throw new BadRequest(
      `unknown fixture scenario ${JSON.stringify(scenario)} (modes: ${FAILURE_MODES.join(', ')}; answers: ${answers})`,
      'messages',
    );
  }
  const mode: FailureMode = isMode ? (scenario as FailureMode) : 'ok';
  const answerName = isMode ? (options.answer ?? 'default') : scenario;
  if (file && !(answerName in file.answers))
    throw new BadRequest(
      `schema family ${file.family} has no answer ${JSON.stringify(answerName)}`,
      'messages',
    );

  switch (mode) {
    case 'http_429':
      return rateLimited(intOption(options, 'retry_after', 1));
    case 'http_500':
      return serverError();
    case 'fail_then_succeed': {
      const key = options.key ?? 'default';
      const n = (state.attempts.get(key) ?? 0) + 1;
      state.attempts.set(key, n);
      if (n <= intOption(options, 'times', 1)) {
        const status = intOption(options, 'status', 429);
        if (status !== 429 && status !== 500)
          throw new BadRequest('fail_then_succeed status must be 429 or 500', 'messages');
        return status === 429 ? rateLimited(intOption(options, 'retry_after', 1)) : serverError();
      }
      break;
    }
    case 'repeat_identical': {
      const key = options.key ?? 'default';
      const first = state.replays.get(key);
      if (first)
        return {
          kind: 'completion',
          completion: first,
          chunkCount: DEFAULT_STREAM_CHUNKS,
          delayMs: 0,
        };
      break;
    }
    default:
      break;
  }

  let content = answerText(req, file, answerName);
  let finishReason: 'stop' | 'length' = 'stop';
  if (mode === 'malformed_json') content = malform(content, options.style ?? 'truncated');
  if (mode === 'over_cap') {
    const cap = intOption(options, 'cap', req.maxTokens ?? DEFAULT_OVER_CAP_LIMIT);
    content = padPastCap(content, cap);
    if (options.finish_reason === 'length') finishReason = 'length';
  }
  const cached = state.cache.lookupAndRecord(req.messages);
  state.seq += 1;
  const completion: ChatCompletion = {
    id: `chatcmpl-iama-fixture-${state.seq}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: fixtureModelName(req.model),
    system_fingerprint: FIXTURE_FINGERPRINT,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content },
        finish_reason: finishReason,
        logprobs: null,
      },
    ],
    usage: usageFor(req.messages, content, cached),
  };
  if (mode === 'repeat_identical') state.replays.set(options.key ?? 'default', completion);
  const slow = mode === 'slow_stream';
  return {
    kind: 'completion',
    completion,
    chunkCount:
      intOption(options, 'chunks', slow ? SLOW_STREAM_CHUNKS : DEFAULT_STREAM_CHUNKS) || 1,
    delayMs: slow ? intOption(options, 'delay_ms', SLOW_STREAM_DELAY_MS) : 0,
  };
}

function answerText(req: ChatRequest, file: ScenarioFile | undefined, answerName: string): string {
  if (file) return JSON.stringify(file.answers[answerName], null, 2);
  if (req.responseFormat && req.responseFormat.type !== 'text') {
    return JSON.stringify(
      { fixture_model: FIXTURE_FINGERPRINT, note: 'no schema family was selected' },
      null,
      2,
    );
  }
  return `This answer comes from the IAMA fixture model (${FIXTURE_FINGERPRINT}), a deterministic stand-in for a model provider.`;
}

/** Broken JSON of the kinds real models produce; `prose` and `trailing_comma` are repairable. */
function malform(json: string, style: string): string {
  switch (style) {
    case 'truncated':
      return json.slice(0, Math.max(1, Math.floor(json.length * 0.6)));
    case 'trailing_comma':
      return json.replace(/\n?([}\]])\s*$/, ',\n$1');
    case 'prose':
      return `Sure, here is the JSON you asked for:\n\`\`\`json\n${json}\n\`\`\`\nLet me know if you need anything else.`;
    default:
      throw new BadRequest(
        `malformed_json style must be truncated, trailing_comma or prose, not ${JSON.stringify(style)}`,
        'messages',
      );
  }
}

/** Keeps the answer valid JSON (an extra key on objects) while making it longer than `cap` tokens. */
function padPastCap(json: string, cap: number): string {
  const target = cap + Math.max(16, Math.ceil(cap / 10));
  const missing = Math.max(0, target - estimateTokens(json));
  const padding = 'over-cap padding '.repeat(Math.ceil((missing * 4) / 17) + 1);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    value = undefined;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return JSON.stringify({ ...value, fixture_padding: padding }, null, 2);
  }
  return `${json}\n${padding}`;
}

function rateLimited(retryAfterSeconds: number): Outcome {
  return {
    kind: 'error',
    status: 429,
    headers: { 'retry-after': String(retryAfterSeconds) },
    body: errorBody(
      'fixture model: scripted rate limit (http_429)',
      'rate_limit_error',
      null,
      'rate_limit_exceeded',
    ),
  };
}

function serverError(): Outcome {
  return {
    kind: 'error',
    status: 500,
    headers: {},
    body: errorBody(
      'fixture model: scripted internal error (http_500)',
      'server_error',
      null,
      'internal_error',
    ),
  };
}
