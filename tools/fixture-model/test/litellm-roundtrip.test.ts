/**
 * @module The proof that the real path works (ARCHITECTURE D2, D7; ADR-002; PRD V1 §11): the
 * fixture model behind a real LiteLLM Proxy configured from the `model.l1|l2|l3` routes
 * (DB_SCHEMA §8.1). Uses the proxy of `LITELLM_BASE_URL` and the fixture of `FIXTURE_MODEL_URL`
 * when the harness provides both; otherwise starts its own and stops them afterwards.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { responseFormat } from '@iama/contracts';
import { fixtureRoutes, startLiteLlm } from '@iama/devstack/litellm';
import { getFreePort } from '@iama/devstack/ports';
import { startFixtureModel, loadScenarioFiles, type RecordedRequest } from '../src/index';
import { contentOf, parseSse, postChat, user } from './helpers';

const VENV_DIR = fileURLToPath(new URL('../../../.venv', import.meta.url));
const files = loadScenarioFiles();
/** Marks this run's requests, so a shared fixture's log can be filtered. */
const run = randomUUID();

let proxyUrl: string;
let fixtureUrl: string;
const cleanups: (() => Promise<void>)[] = [];

before(async () => {
  if (process.env.LITELLM_BASE_URL && process.env.FIXTURE_MODEL_URL) {
    proxyUrl = process.env.LITELLM_BASE_URL;
    fixtureUrl = process.env.FIXTURE_MODEL_URL;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'iama-litellm-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const fixture = await startFixtureModel();
  cleanups.unshift(fixture.stop);
  fixtureUrl = fixture.url;
  const proxy = await startLiteLlm({
    venvDir: VENV_DIR,
    port: await getFreePort(),
    configPath: join(dir, 'litellm.config.json'),
    routes: fixtureRoutes(fixture.url),
    logFile: join(dir, 'litellm.log'),
  });
  cleanups.unshift(proxy.stop);
  proxyUrl = proxy.url;
});

after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

const tagged = (text: string) => user(`run: ${run}\n${text}`);

async function upstream(marker: string): Promise<RecordedRequest[]> {
  const all = (await (await fetch(`${fixtureUrl}/fixture/requests`)).json()) as RecordedRequest[];
  return all.filter(
    (r) => JSON.stringify(r.body).includes(run) && JSON.stringify(r.body).includes(marker),
  );
}

void test('D7 + D2: a streamed L1 call through LiteLLM returns the scenario JSON in several chunks with usage, and the fixture saw it', async () => {
  const system = {
    role: 'system',
    content: 'IAMA safety rules and output schema constraints. '.repeat(30),
  };
  const body = {
    model: 'l1',
    stream: true,
    stream_options: { include_usage: true },
    response_format: responseFormat('proposal'),
    messages: [system, tagged('stream-proof: propose three strategies')],
  };
  const res = await postChat(proxyUrl, body);
  assert.equal(res.status, 200);
  const { chunks, done } = parseSse(await res.text());
  assert.ok(done, 'the proxy relays data: [DONE]');
  assert.ok(
    chunks.filter((c) => c.choices[0]?.delta.content).length > 1,
    'more than one content chunk',
  );
  assert.deepEqual(JSON.parse(contentOf(chunks)), files.proposal!.answers.default);
  // LiteLLM renames `model` to the alias; the fixture label survives in the fingerprint and the id.
  assert.ok(
    chunks.every(
      (c) =>
        c.system_fingerprint === 'iama-fixture-model' && c.id.startsWith('chatcmpl-iama-fixture-'),
    ),
  );
  const usage = chunks.find((c) => c.usage)?.usage;
  assert.ok(usage, 'usage chunk relayed');
  assert.equal(usage.completion_tokens, Math.ceil(contentOf(chunks).length / 4));
  assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
  assert.equal(
    usage.prompt_tokens_details?.cached_tokens,
    0,
    'first sight of the prefix is a cache miss',
  );

  // Same system prompt again: LiteLLM forwards the fixture's cached_tokens on the streamed usage.
  const again = parseSse(
    await (
      await postChat(proxyUrl, { ...body, messages: [system, tagged('stream-proof: second call')] })
    ).text(),
  );
  const cached = again.chunks.find((c) => c.usage)?.usage?.prompt_tokens_details?.cached_tokens;
  assert.equal(cached, Math.ceil(system.content.length / 4) + 4);

  const [seen] = await upstream('stream-proof: propose');
  assert.ok(seen, 'the fixture recorded the request');
  const sent = seen.body as {
    model: string;
    stream: boolean;
    response_format: { json_schema: { name: string } };
  };
  assert.equal(sent.model, 'iama-fixture/l1');
  assert.equal(sent.stream, true);
  assert.equal(
    sent.response_format.json_schema.name,
    'proposal_v1',
    'structured-output control reaches the provider (PRD V1 §11 item 6)',
  );
  assert.equal(seen.headers.authorization, '<redacted>', 'LiteLLM sent the key from os.environ');
});

void test('D7: the l2 and l3 aliases route to the fixture too (non-streaming, usage incl. cached_tokens)', async () => {
  for (const model of ['l2', 'l3']) {
    const res = await postChat(proxyUrl, {
      model,
      response_format: responseFormat('patch_edit'),
      messages: [tagged(`alias-${model}`)],
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      choices: { message: { content: string } }[];
      usage: { prompt_tokens_details: { cached_tokens: number } };
    };
    assert.deepEqual(
      JSON.parse(body.choices[0]!.message.content),
      files.patch_edit!.answers.default,
    );
    assert.equal(typeof body.usage.prompt_tokens_details.cached_tokens, 'number');
    const [seen] = await upstream(`alias-${model}`);
    assert.equal((seen?.body as { model?: string } | undefined)?.model, `iama-fixture/${model}`);
  }
});

void test('ADR-002 failure path: http_500 surfaces as a 500 after exactly one upstream attempt (no proxy retries)', async () => {
  const res = await postChat(proxyUrl, {
    model: 'l1',
    stream: true,
    messages: [tagged('fail-500\nfixture-scenario: http_500')],
  });
  assert.equal(res.status, 500);
  const err = (await res.json()) as { error: { message: string } };
  assert.match(err.error.message, /scripted internal error/);
  assert.equal((await upstream('fail-500')).length, 1);
});

void test('ADR-002 failure path: http_429 surfaces as a 429 after one attempt; LiteLLM drops the provider Retry-After', async () => {
  const res = await postChat(proxyUrl, {
    model: 'l1',
    messages: [tagged('fail-429\nfixture-scenario: http_429 retry_after=9')],
  });
  assert.equal(res.status, 429);
  const err = (await res.json()) as { error: { message: string; code: string } };
  assert.match(err.error.message, /scripted rate limit/);
  assert.equal(err.error.code, '429');
  // Measured with litellm 1.102.4: the upstream Retry-After is not relayed, so the IAMA Router needs its own backoff.
  assert.equal(res.headers.get('retry-after'), null);
  assert.equal((await upstream('fail-429')).length, 1);
});

void test('ADR-002: after a scripted 429 the alias is not cooled down; the next call succeeds', async () => {
  const key = `cooldown-${run}`;
  const call = () =>
    postChat(proxyUrl, {
      model: 'l1',
      messages: [
        tagged(`schema_family: bdd\nfixture-scenario: fail_then_succeed times=1 key=${key}`),
      ],
    });
  assert.equal((await call()).status, 429);
  assert.equal((await call()).status, 200);
});

void test('PRD V1 §11 item 7 failure path: malformed_json passes through the proxy untouched (repair is the Router’s job)', async () => {
  const res = await postChat(proxyUrl, {
    model: 'l1',
    stream: true,
    messages: [tagged('schema_family: test_plan\nfixture-scenario: malformed_json')],
  });
  assert.equal(res.status, 200);
  const content = contentOf(parseSse(await res.text()).chunks);
  assert.throws(() => JSON.parse(content), SyntaxError);
  assert.ok(
    JSON.stringify(files.test_plan!.answers.default, null, 2).startsWith(content),
    'a truncated copy of the answer',
  );
});

void test('D2 failure path: an alias that is not configured is refused by the proxy', async () => {
  const res = await postChat(proxyUrl, { model: 'l4', messages: [tagged('no-such-alias')] });
  assert.equal(res.status, 400);
  assert.equal((await upstream('no-such-alias')).length, 0);
});
