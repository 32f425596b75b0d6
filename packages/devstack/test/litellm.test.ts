/**
 * @module Tests of the LiteLLM Proxy config and launcher (ARCHITECTURE D2, D7; ADR-002;
 * DB_SCHEMA §8.1 `model.l1|l2|l3`). The end-to-end proof through a real proxy is
 * tools/fixture-model/test/litellm-roundtrip.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  apiKeyEnvVar,
  buildLiteLlmConfig,
  fixtureRoutes,
  liteLlmEnv,
  startLiteLlm,
} from '../src/litellm';
import type { ModelRoutes } from '@iama/contracts';
import { ManagedProcessError } from '../src/process';

const provider: ModelRoutes = {
  L1: {
    model_id: 'openai/gpt-4o-mini',
    api_base_url: 'https://api.example.test/v1',
    api_key_ref: 'secrets/litellm/openai_api_key',
    output_token_limit: 30_000,
    enabled: true,
  },
  L2: {
    model_id: 'anthropic/claude-sonnet-4-5',
    api_base_url: 'https://anthropic.example.test',
    api_key_ref: 'env:ANTHROPIC_API_KEY',
    output_token_limit: 5_000,
    enabled: true,
  },
  L3: {
    model_id: 'anthropic/claude-opus-4-1',
    api_base_url: 'https://anthropic.example.test',
    api_key_ref: 'env:ANTHROPIC_API_KEY',
    output_token_limit: 5_000,
    enabled: false,
  },
};

void test('DB_SCHEMA §8.1: enabled routes become l1/l2/l3 aliases; disabled ones are omitted', () => {
  const config = buildLiteLlmConfig(provider);
  assert.deepEqual(
    config.model_list.map((m) => m.model_name),
    ['l1', 'l2'],
  );
  assert.deepEqual(config.model_list[0]!.litellm_params, {
    model: 'openai/gpt-4o-mini',
    api_base: 'https://api.example.test/v1',
    api_key: 'os.environ/OPENAI_API_KEY',
  });
  assert.equal(config.model_list[1]!.model_info.max_output_tokens, 5_000);
  assert.deepEqual(buildLiteLlmConfig({}).model_list, []);
});

void test('ADR-002: the proxy neither retries, falls back, cools down nor phones home', () => {
  const config = buildLiteLlmConfig(provider);
  assert.equal(config.router_settings.num_retries, 0);
  assert.deepEqual(config.router_settings.fallbacks, []);
  assert.equal(config.router_settings.disable_cooldowns, true);
  assert.equal(config.litellm_settings.telemetry, false);
  assert.deepEqual(config.litellm_settings.callbacks, []);
  const env = liteLlmEnv(provider, { OPENAI_API_KEY: 'sk-a', ANTHROPIC_API_KEY: 'sk-b' });
  assert.equal(env.LITELLM_LOCAL_MODEL_COST_MAP, 'True');
  assert.equal(env.LITELLM_TELEMETRY, 'False');
});

void test('DB_SCHEMA §8.1 (api_key_ref is never the key): the config holds only os.environ references', () => {
  const text = JSON.stringify(buildLiteLlmConfig(provider));
  assert.doesNotMatch(text, /sk-/);
  assert.equal(apiKeyEnvVar('secrets/litellm/minimax_api_key'), 'MINIMAX_API_KEY');
  assert.equal(apiKeyEnvVar('os.environ/MY_KEY'), 'MY_KEY');
  assert.equal(apiKeyEnvVar('env:lower-case.key'), 'LOWER_CASE_KEY');
  assert.throws(() => apiKeyEnvVar('secrets/litellm/9-key'), /does not name an environment variable/);
});

void test('D7: fixture routes point every class at the fixture model, labelled, with the default output caps', () => {
  const routes = fixtureRoutes('http://127.0.0.1:4010/');
  assert.deepEqual(
    Object.values(routes).map((r) => [r.model_id, r.api_base_url, r.output_token_limit, r.enabled]),
    [
      ['iama-fixture/l1', 'http://127.0.0.1:4010/v1', 30_000, true],
      ['iama-fixture/l2', 'http://127.0.0.1:4010/v1', 5_000, true],
      ['iama-fixture/l3', 'http://127.0.0.1:4010/v1', 5_000, true],
    ],
  );
  const config = buildLiteLlmConfig(routes);
  assert.equal(config.model_list[0]!.litellm_params.model, 'openai/iama-fixture/l1');
  assert.equal(config.model_list[0]!.model_info.iama_fixture, true);
  assert.equal(liteLlmEnv(routes, {}).IAMA_FIXTURE_MODEL_API_KEY, 'fixture-model-accepts-any-key');
});

void test('D2 failure path: a missing provider secret is named before anything starts', () => {
  assert.throws(() => liteLlmEnv(provider, { ANTHROPIC_API_KEY: 'x' }), {
    message:
      'model.l1 needs the secret OPENAI_API_KEY (api_key_ref secrets/litellm/openai_api_key): set it in the environment',
  });
});

void test('D2 failure path: without the .venv the launcher fails with one line naming LiteLLM, having written the config', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'iama-litellm-'));
  try {
    const configPath = join(dir, 'cfg', 'litellm.config.json');
    await assert.rejects(
      startLiteLlm({
        venvDir: join(dir, 'no-venv'),
        port: 1,
        configPath,
        routes: fixtureRoutes('http://127.0.0.1:9'),
        logFile: join(dir, 'litellm.log'),
      }),
      (err: unknown) =>
        err instanceof ManagedProcessError &&
        err.reason === 'spawn' &&
        /^LiteLLM Proxy could not start \(ENOENT/.test(err.message),
    );
    assert.equal(
      (JSON.parse(readFileSync(configPath, 'utf8')) as { model_list: unknown[] }).model_list.length,
      3,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
