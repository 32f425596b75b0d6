/**
 * @module The fixture model's HTTP server (ARCHITECTURE D7): OpenAI-compatible
 * `POST /v1/chat/completions` (SSE streaming and plain), `GET /v1/models`, `GET /health`, plus
 * `GET /fixture/requests` and `POST /fixture/reset` for tests that run it in another process.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { BadRequest, errorBody, parseChatRequest } from './protocol';
import {
  FIXTURE_FINGERPRINT,
  fixtureModelName,
  respond,
  selectScenario,
  type ChatCompletion,
  type EngineState,
} from './respond';
import { loadScenarioFiles, type ScenarioFile } from './scenarios';
import { PrefixCache } from './usage';

export type FixtureModelOptions = {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Scenario files by family, replacing or adding to those in `scenarios/`. */
  scenarios?: Record<string, ScenarioFile>;
};

export type RecordedRequest = {
  seq: number;
  method: string;
  path: string;
  /** Parsed JSON body, when there was one. */
  body: unknown;
  /** Headers as received, `authorization` redacted. */
  headers: Record<string, string | string[] | undefined>;
  stream: boolean;
  family: string | undefined;
  scenario: string | undefined;
  status: number;
  /**
   * When the client hung up before the answer was complete (ms since epoch): how tests prove an
   * abort reached the provider side (SERVICE_ARCHITECTURE §3.4 cancellation chain).
   */
  closedEarlyAt?: number;
};

export type FixtureModel = {
  /** Base URL without `/v1`, e.g. `http://127.0.0.1:4010`. */
  url: string;
  port: number;
  /** Every request received, in order (live array). */
  requests: RecordedRequest[];
  /** Clears the request log, the fail/replay counters and the prompt cache. */
  reset(): void;
  stop(): Promise<void>;
};

const MAX_BODY_BYTES = 32 * 1024 * 1024;
const MODEL_IDS = ['iama-fixture/l1', 'iama-fixture/l2', 'iama-fixture/l3'];

/**
 * Starts the fixture model.
 * @example
 * const fixture = await startFixtureModel();
 * await fetch(`${fixture.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(req) });
 * await fixture.stop();
 */
export async function startFixtureModel(opts: FixtureModelOptions = {}): Promise<FixtureModel> {
  // An opt-in overlay directory (the bundled example's scripted answers, `iama demo`) replaces
  // whole family files; unset, nothing changes. Explicit `scenarios` still win.
  const overlay = process.env.IAMA_FIXTURE_SCENARIOS_DIR;
  const files = {
    ...loadScenarioFiles(),
    ...(overlay ? loadScenarioFiles(overlay) : {}),
    ...opts.scenarios,
  };
  const state: EngineState = {
    seq: 0,
    attempts: new Map(),
    replays: new Map(),
    cache: new PrefixCache(),
  };
  const requests: RecordedRequest[] = [];
  const reset = () => {
    requests.length = 0;
    state.attempts.clear();
    state.replays.clear();
    state.cache.clear();
  };

  const server = createServer((req, res) => {
    handle(req, res, files, state, requests, reset).catch((err: unknown) => {
      if (!res.headersSent)
        sendJson(res, 500, errorBody(`fixture model bug: ${String(err)}`, 'server_error'));
      else res.destroy();
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    requests,
    reset,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  files: Record<string, ScenarioFile>,
  state: EngineState,
  requests: RecordedRequest[],
  reset: () => void,
): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!;
  const route = `${req.method} ${path}`;
  if (route === 'GET /health')
    return sendJson(res, 200, { status: 'ok', model: FIXTURE_FINGERPRINT });
  if (route === 'GET /v1/models' || route === 'GET /models') {
    return sendJson(res, 200, {
      object: 'list',
      data: MODEL_IDS.map((id) => ({
        id,
        object: 'model',
        created: 0,
        owned_by: FIXTURE_FINGERPRINT,
      })),
    });
  }
  if (route === 'GET /fixture/requests') return sendJson(res, 200, requests);
  if (route === 'POST /fixture/reset') {
    reset();
    return sendJson(res, 200, { reset: true });
  }
  if (route !== 'POST /v1/chat/completions' && route !== 'POST /chat/completions') {
    return sendJson(
      res,
      404,
      errorBody(`fixture model: no route ${route}`, 'invalid_request_error', null, 'unknown_url'),
    );
  }

  const headers = {
    ...req.headers,
    ...(req.headers.authorization ? { authorization: '<redacted>' } : {}),
  };
  const record: RecordedRequest = {
    seq: requests.length + 1,
    method: req.method!,
    path,
    body: undefined,
    headers,
    stream: false,
    family: undefined,
    scenario: undefined,
    status: 0,
  };
  requests.push(record);
  res.on('close', () => {
    if (!res.writableFinished) record.closedEarlyAt = Date.now();
  });
  try {
    const raw = await readBody(req);
    try {
      record.body = JSON.parse(raw);
    } catch {
      throw new BadRequest('request body is not valid JSON');
    }
    const chat = parseChatRequest(record.body);
    record.stream = chat.stream;
    const selection = selectScenario(chat, files);
    Object.assign(record, selection);
    const outcome = respond(chat, files, state);
    if (outcome.kind === 'error') {
      record.status = outcome.status;
      return sendJson(res, outcome.status, outcome.body, outcome.headers);
    }
    record.status = 200;
    if (!chat.stream) {
      if (outcome.delayMs) await sleep(outcome.delayMs * outcome.chunkCount);
      return sendJson(res, 200, outcome.completion);
    }
    await streamCompletion(
      res,
      outcome.completion,
      outcome.chunkCount,
      outcome.delayMs,
      chat.includeUsageInStream,
    );
  } catch (err) {
    if (!(err instanceof BadRequest)) throw err;
    record.status = err.code === 'body_too_large' ? 413 : 400;
    sendJson(
      res,
      record.status,
      errorBody(err.message, 'invalid_request_error', err.param, err.code),
    );
  }
}

/** SSE as OpenAI sends it: role chunk, content chunks, finish chunk, optional usage chunk, `[DONE]`. */
async function streamCompletion(
  res: ServerResponse,
  c: ChatCompletion,
  chunkCount: number,
  delayMs: number,
  includeUsage: boolean,
) {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-iama-fixture-model': '1',
  });
  const base = {
    id: c.id,
    object: 'chat.completion.chunk',
    created: c.created,
    model: fixtureModelName(c.model),
    system_fingerprint: c.system_fingerprint,
  };
  const send = (chunk: object) => res.write(`data: ${JSON.stringify({ ...base, ...chunk })}\n\n`);
  const content = c.choices[0].message.content;
  const size = Math.max(1, Math.ceil(content.length / chunkCount));
  send({
    choices: [
      { index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null, logprobs: null },
    ],
  });
  for (let i = 0; i < content.length; i += size) {
    if (delayMs) await sleep(delayMs);
    if (res.destroyed) return;
    send({
      choices: [
        {
          index: 0,
          delta: { content: content.slice(i, i + size) },
          finish_reason: null,
          logprobs: null,
        },
      ],
    });
  }
  send({
    choices: [{ index: 0, delta: {}, finish_reason: c.choices[0].finish_reason, logprobs: null }],
  });
  if (includeUsage) send({ choices: [], usage: c.usage });
  res.end('data: [DONE]\n\n');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(
          new BadRequest(`request body exceeds ${MAX_BODY_BYTES} bytes`, null, 'body_too_large'),
        );
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-iama-fixture-model': '1',
    ...headers,
  });
  res.end(text);
}
