/**
 * @module Direct tests of the fixture model (ARCHITECTURE D7; PRD V1 §11 items 5-7 and the output
 * caps; V1-FR-CTX-006 cache telemetry): every scripted answer and failure mode, no proxy.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLlmOutput, responseFormat, type LlmSchemaFamily } from '@iama/contracts';
import { loadScenarioFiles, startFixtureModel, type FixtureModel } from '../src/index';
import { contentOf, parseSse, postChat, user } from './helpers';

let fixture: FixtureModel;
before(async () => {
  fixture = await startFixtureModel();
});
after(() => fixture.stop());

const files = loadScenarioFiles();
const chat = (messages: unknown[], extra: object = {}) =>
  postChat(fixture.url, { model: 'iama-fixture/l1', messages, ...extra });

void test('D7: health and model list identify the fixture model', async () => {
  const health = await (await fetch(`${fixture.url}/health`)).json();
  assert.deepEqual(health, { status: 'ok', model: 'iama-fixture-model' });
  const models = (await (await fetch(`${fixture.url}/v1/models`)).json()) as {
    data: { id: string }[];
  };
  assert.deepEqual(
    models.data.map((m) => m.id),
    ['iama-fixture/l1', 'iama-fixture/l2', 'iama-fixture/l3'],
  );
});

void test('D7: one scenario file per schema family, each default answer valid and each schema_invalid answer invalid', () => {
  const families: LlmSchemaFamily[] = [
    'proposal',
    'bdd',
    'sdd',
    'test_plan',
    'patch_plan',
    'failure_analysis',
    'patch_edit',
    'repo_scope',
    'policy_violation',
  ];
  assert.deepEqual(Object.keys(files).sort(), [...families].sort());
  for (const family of families) {
    const parsed = parseLlmOutput(family, files[family]!.answers.default);
    assert.ok(parsed.success, `${family} default: ${parsed.success ? '' : parsed.error.message}`);
    assert.equal(
      parseLlmOutput(family, files[family]!.answers.schema_invalid).success,
      false,
      `${family} schema_invalid must fail`,
    );
  }
});

void test('PRD V1 §11 item 6: response_format json_schema selects the family and the answer is its JSON, labelled as fixture', async () => {
  for (const family of ['proposal', 'patch_edit'] as const) {
    const res = await chat([user('Propose.')], { response_format: responseFormat(family) });
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      model: string;
      system_fingerprint: string;
      choices: { message: { content: string } }[];
      usage: Record<string, unknown>;
    };
    assert.equal(body.model, 'iama-fixture/l1');
    assert.equal(body.system_fingerprint, 'iama-fixture-model');
    assert.deepEqual(JSON.parse(body.choices[0]!.message.content), files[family]!.answers.default);
  }
});

void test('D7: a schema_family line selects the family; json_object without a family still answers JSON; plain text otherwise', async () => {
  const marked = (await (
    await chat([user('schema_family: sdd\nDescribe the design.')])
  ).json()) as { choices: { message: { content: string } }[] };
  assert.deepEqual(JSON.parse(marked.choices[0]!.message.content), files.sdd!.answers.default);
  const json = (await (
    await chat([user('hi')], { response_format: { type: 'json_object' } })
  ).json()) as { choices: { message: { content: string } }[] };
  assert.equal(
    (JSON.parse(json.choices[0]!.message.content) as { fixture_model: string }).fixture_model,
    'iama-fixture-model',
  );
  const text = (await (await chat([user('hi')])).json()) as {
    choices: { message: { content: string } }[];
  };
  assert.match(text.choices[0]!.message.content, /IAMA fixture model/);
});

void test('PRD V1 §11 (L1 streams): SSE chunks carry the answer, end with [DONE], and usage when include_usage is set', async () => {
  const res = await chat([user('schema_family: bdd')], {
    stream: true,
    stream_options: { include_usage: true },
  });
  assert.equal(res.headers.get('content-type'), 'text/event-stream');
  const { chunks, done } = parseSse(await res.text());
  assert.ok(done, 'terminated by data: [DONE]');
  assert.ok(chunks.length > 3, `several chunks, got ${chunks.length}`);
  assert.deepEqual(JSON.parse(contentOf(chunks)), files.bdd!.answers.default);
  assert.equal(chunks[0]!.choices[0]!.delta.role, 'assistant');
  assert.ok(
    chunks.every(
      (c) => c.model === 'iama-fixture/l1' && c.system_fingerprint === 'iama-fixture-model',
    ),
  );
  const usage = chunks[chunks.length - 1]!.usage!;
  assert.equal(usage.completion_tokens, Math.ceil(contentOf(chunks).length / 4));
  assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
  const noUsage = parseSse(
    await (await chat([user('schema_family: bdd')], { stream: true })).text(),
  );
  assert.ok(
    noUsage.chunks.every((c) => c.usage === undefined),
    'no usage chunk unless asked, as OpenAI does',
  );
});

void test('V1-FR-CTX-006: cached_tokens counts a repeated message prefix, and only marked prefixes when cache_control is used', async () => {
  const system = {
    role: 'system',
    content: 'Stable system prompt and dependency slices. '.repeat(40),
  };
  type U = { usage: { prompt_tokens: number; prompt_tokens_details: { cached_tokens: number } } };
  const first = (await (
    await chat([system, user('schema_family: bdd\nfirst question')])
  ).json()) as U;
  const second = (await (
    await chat([system, user('schema_family: bdd\nsecond question')])
  ).json()) as U;
  assert.equal(first.usage.prompt_tokens_details.cached_tokens, 0);
  const systemTokens = Math.ceil(system.content.length / 4) + 4;
  assert.equal(second.usage.prompt_tokens_details.cached_tokens, systemTokens);
  assert.ok(second.usage.prompt_tokens > systemTokens);

  const markedSystem = {
    role: 'system',
    content: [
      { type: 'text', text: 'Marked segment. '.repeat(50), cache_control: { type: 'ephemeral' } },
    ],
  };
  const unmarkedTail = user('schema_family: bdd\nsame tail');
  const a = (await (await chat([markedSystem, unmarkedTail])).json()) as U;
  const b = (await (await chat([markedSystem, unmarkedTail])).json()) as U;
  assert.equal(a.usage.prompt_tokens_details.cached_tokens, 0);
  assert.equal(
    b.usage.prompt_tokens_details.cached_tokens,
    Math.ceil('Marked segment. '.repeat(50).length / 4) + 4,
    'only up to the breakpoint',
  );
});

void test('PRD V1 §11 item 7 failure path: malformed_json styles are invalid JSON (prose-wrapped and trailing comma are repairable)', async () => {
  for (const style of ['truncated', 'trailing_comma', 'prose']) {
    const res = await chat([
      user(`schema_family: proposal\nfixture-scenario: malformed_json style=${style}`),
    ]);
    const content = ((await res.json()) as { choices: { message: { content: string } }[] })
      .choices[0]!.message.content;
    assert.throws(() => JSON.parse(content), SyntaxError, style);
  }
  const prose = (await (
    await chat([user('schema_family: bdd\nfixture-scenario: malformed_json style=prose')])
  ).json()) as { choices: { message: { content: string } }[] };
  const fenced = /```json\n([\s\S]*)\n```/.exec(prose.choices[0]!.message.content)![1]!;
  assert.deepEqual(JSON.parse(fenced), files.bdd!.answers.default);
});

void test('PRD V1 §11 output caps failure path: over_cap answers valid JSON longer than max_tokens', async () => {
  const res = await chat([user('schema_family: patch_edit\nfixture-scenario: over_cap')], {
    max_tokens: 200,
  });
  const body = (await res.json()) as {
    choices: { message: { content: string } }[];
    usage: { completion_tokens: number };
  };
  assert.ok(
    body.usage.completion_tokens > 200,
    `completion_tokens ${body.usage.completion_tokens}`,
  );
  const parsed = JSON.parse(body.choices[0]!.message.content) as Record<string, unknown>;
  assert.equal(parsed.schema_version, 'patch_edit.v1');
  const capped = (await (
    await chat([user('schema_family: bdd\nfixture-scenario: over_cap cap=1000')])
  ).json()) as { usage: { completion_tokens: number } };
  assert.ok(capped.usage.completion_tokens > 1000);
});

void test('D7: slow_stream delays between chunks', async () => {
  const started = Date.now();
  const res = await chat(
    [user('schema_family: sdd\nfixture-scenario: slow_stream chunks=3 delay_ms=100')],
    { stream: true },
  );
  const { chunks, done } = parseSse(await res.text());
  assert.ok(done);
  assert.deepEqual(JSON.parse(contentOf(chunks)), files.sdd!.answers.default);
  assert.equal(chunks.filter((c) => c.choices[0]?.delta.content).length, 3);
  assert.ok(Date.now() - started >= 300, 'three delays of 100 ms');
});

void test('V1-FR-ROUTE-003 failure path: http_429 carries Retry-After; http_500 is a server error; both OpenAI-shaped', async () => {
  const limited = await chat([user('fixture-scenario: http_429 retry_after=7')]);
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get('retry-after'), '7');
  assert.deepEqual(
    ((await limited.json()) as { error: { code: string } }).error.code,
    'rate_limit_exceeded',
  );
  const failed = await chat([user('fixture-scenario: http_500')], { stream: true });
  assert.equal(failed.status, 500);
  assert.equal(((await failed.json()) as { error: { type: string } }).error.type, 'server_error');
});

void test('V1-FR-ROUTE-003: fail_then_succeed fails the first N calls per key, then answers', async () => {
  const call = (extra: string) =>
    chat([user(`schema_family: failure_analysis\nfixture-scenario: fail_then_succeed ${extra}`)]);
  assert.deepEqual(
    [
      (await call('times=2 key=a')).status,
      (await call('times=2 key=a')).status,
      (await call('key=b status=500')).status,
      (await call('times=2 key=a')).status,
      (await call('key=b status=500')).status,
    ],
    [429, 429, 500, 200, 200],
  );
});

void test('D7: repeat_identical replays the first answer verbatim per key even when the prompt changes', async () => {
  const a = await (
    await chat([
      user(
        'schema_family: patch_edit\nattempt 1\nfixture-scenario: repeat_identical key=loop answer=schema_invalid',
      ),
    ])
  ).json();
  const b = await (
    await chat([
      user(
        'schema_family: patch_edit\nattempt 2, stricter\nfixture-scenario: repeat_identical key=loop answer=schema_invalid',
      ),
    ])
  ).json();
  assert.deepEqual(b, a);
  const content = JSON.parse(
    (a as { choices: { message: { content: string } }[] }).choices[0]!.message.content,
  );
  assert.deepEqual(content, files.patch_edit!.answers.schema_invalid);
});

void test('D7: a named answer of the family (schema_invalid) is selectable directly; the last directive wins', async () => {
  const res = await chat([
    user('schema_family: repo_scope\nfixture-scenario: http_500'),
    { role: 'assistant', content: '...' },
    user('fixture-scenario: schema_invalid'),
  ]);
  assert.equal(res.status, 200);
  const content = ((await res.json()) as { choices: { message: { content: string } }[] })
    .choices[0]!.message.content;
  assert.deepEqual(JSON.parse(content), files.repo_scope!.answers.schema_invalid);
});

void test('D7 failure path: bad requests get OpenAI-style 400 errors, unknown routes 404', async () => {
  const cases: [unknown, RegExp][] = [
    ['{not json', /not valid JSON/],
    [{ model: 'm' }, /messages/],
    [{ messages: [user('x')] }, /model/],
    [{ model: 'm', messages: [{ content: 'x' }] }, /role/],
    [
      { model: 'm', messages: [user('fixture-scenario: no_such_thing')] },
      /unknown fixture scenario "no_such_thing"/,
    ],
    [
      {
        model: 'm',
        messages: [user('x')],
        response_format: { type: 'json_schema', json_schema: { name: 'mystery_v1' } },
      },
      /no scenarios for schema family "mystery"/,
    ],
    [
      { model: 'm', messages: [user('fixture-scenario: fail_then_succeed times=lots')] },
      /times=lots/,
    ],
    [{ model: 'm', messages: [user('x')], max_tokens: 0 }, /max_tokens/],
    [{ model: 'm', messages: [user('x')], response_format: { type: 'yaml' } }, /response_format/],
  ];
  for (const [body, message] of cases) {
    const res = await postChat(fixture.url, body);
    assert.equal(res.status, 400, String(message));
    const err = (await res.json()) as { error: { message: string; type: string } };
    assert.equal(err.error.type, 'invalid_request_error');
    assert.match(err.error.message, message);
  }
  const notFound = await fetch(`${fixture.url}/v1/embeddings`, { method: 'POST' });
  assert.equal(notFound.status, 404);
});

void test('D7: requests are recorded with family, scenario and status; authorization is redacted; reset clears them', async () => {
  fixture.reset();
  await chat([user('schema_family: bdd\nfixture-scenario: http_500')]);
  await postChat(fixture.url, '{');
  assert.equal(fixture.requests.length, 2);
  const [first, second] = fixture.requests;
  assert.deepEqual([first!.family, first!.scenario, first!.status], ['bdd', 'http_500', 500]);
  assert.equal(first!.headers.authorization, '<redacted>');
  assert.equal(second!.status, 400);
  const overHttp = (await (await fetch(`${fixture.url}/fixture/requests`)).json()) as unknown[];
  assert.equal(overHttp.length, 2);
  fixture.reset();
  assert.equal(fixture.requests.length, 0);
});
