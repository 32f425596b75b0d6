/**
 * @module The LiteLLM Proxy of the embedded stack (ARCHITECTURE D2, D7; ADR-002): its config is
 * built from the `model.l1|l2|l3` dynamic configs (DB_SCHEMA §8.1) and it runs from the pinned
 * `.venv` as a managed process. The proxy only translates and forwards: retries, fallback
 * between classes and output caps are the IAMA Router's job, so LiteLLM's own are turned off.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_OUTPUT_CAPS, LLM_MODEL_CLASSES, type ModelClass, type ModelRouteConfig, type ModelRoutes } from '@iama/contracts';
import { startManagedProcess, type ManagedProcess } from './process';

/** The proxy's model alias of a class: `l1`, `l2`, `l3` (the suffix of its config key). */
export type LiteLlmAlias = Lowercase<ModelClass>;
const aliasOf = (cls: ModelClass) => cls.toLowerCase() as LiteLlmAlias;

/**
 * The `model.l1|l2|l3` routes (DB_SCHEMA §8.1). `model_id` is LiteLLM's `provider/model` (e.g.
 * `anthropic/claude-sonnet-4-5`); ids starting with `iama-fixture/` mean the fixture model.
 */

export type LiteLlmModelEntry = {
  model_name: LiteLlmAlias;
  litellm_params: { model: string; api_base: string; api_key: `os.environ/${string}` };
  model_info: {
    id: string;
    mode: 'chat';
    max_output_tokens: number;
    iama_model_class: ModelClass;
    iama_fixture: boolean;
  };
};

export type LiteLlmConfig = {
  model_list: LiteLlmModelEntry[];
  litellm_settings: Record<string, unknown>;
  router_settings: Record<string, unknown>;
  general_settings: Record<string, unknown>;
};

export const FIXTURE_MODEL_PREFIX = 'iama-fixture/';
/** The fixture model ignores keys, but LiteLLM's OpenAI client insists on one. */
export const FIXTURE_API_KEY_ENV = 'IAMA_FIXTURE_MODEL_API_KEY';
const FIXTURE_API_KEY_VALUE = 'fixture-model-accepts-any-key';

/**
 * The environment variable holding the secret an `api_key_ref` names. `env:NAME` and
 * `os.environ/NAME` name it directly; a secrets-manager path (DB_SCHEMA §8.1, e.g.
 * `secrets/litellm/minimax_api_key`) maps to its last segment in upper case (`MINIMAX_API_KEY`),
 * which is where the deployment injects that secret.
 * @example apiKeyEnvVar('secrets/litellm/minimax_api_key') // 'MINIMAX_API_KEY'
 */
export function apiKeyEnvVar(ref: string): string {
  const direct = /^(?:env:|os\.environ\/)(.+)$/.exec(ref);
  const name = (direct ? direct[1]! : (ref.split('/').filter(Boolean).pop() ?? ''))
    .replace(/[^A-Za-z0-9_]/g, '_')
    .toUpperCase();
  if (!/^[A-Z_][A-Z0-9_]*$/.test(name))
    throw new Error(`api_key_ref ${JSON.stringify(ref)} does not name an environment variable`);
  return name;
}

/**
 * The LiteLLM Proxy config for the enabled routes, aliased `l1`/`l2`/`l3`. Pure. Keys are
 * `os.environ/<VAR>` references, so no secret is ever written into the file.
 * @example writeFileSync(path, JSON.stringify(buildLiteLlmConfig(fixtureRoutes(fixture.url))))
 */
export function buildLiteLlmConfig(routes: ModelRoutes): LiteLlmConfig {
  const model_list = LLM_MODEL_CLASSES.flatMap((cls): LiteLlmModelEntry[] => {
    const route = routes[cls];
    if (!route?.enabled) return [];
    const fixture = route.model_id.startsWith(FIXTURE_MODEL_PREFIX);
    return [
      {
        model_name: aliasOf(cls),
        litellm_params: {
          // The fixture model speaks the OpenAI protocol; `openai/` makes LiteLLM forward `iama-fixture/…` as is.
          model: fixture ? `openai/${route.model_id}` : route.model_id,
          api_base: route.api_base_url,
          api_key: `os.environ/${apiKeyEnvVar(route.api_key_ref)}`,
        },
        // Informational only: the IAMA Router enforces the cap (PRD V1 §11), so the proxy must not truncate.
        model_info: {
          id: `iama-${aliasOf(cls)}`,
          mode: 'chat',
          max_output_tokens: route.output_token_limit,
          iama_model_class: cls,
          iama_fixture: fixture,
        },
      },
    ];
  });
  return {
    model_list,
    litellm_settings: {
      telemetry: false,
      // Unsupported OpenAI params are dropped per provider instead of failing the call.
      drop_params: true,
      num_retries: 0,
      request_timeout: 600,
      callbacks: [],
      success_callback: [],
      failure_callback: [],
      turn_off_message_logging: true,
    },
    router_settings: {
      // Retries and fallback between classes are the IAMA Router's (ADR-002, V1-FR-ROUTE-003).
      num_retries: 0,
      fallbacks: [],
      // One deployment per alias: a cooldown would turn one scripted 429/500 into "no deployments available".
      disable_cooldowns: true,
    },
    general_settings: {
      disable_spend_logs: true,
    },
  };
}

/**
 * The default `model.l1|l2|l3` values when no provider is configured: all three point at the
 * fixture model and say so in their `model_id` (ARCHITECTURE D7).
 * @example fixtureRoutes('http://127.0.0.1:4010').l1.model_id // 'iama-fixture/l1'
 */
export function fixtureRoutes(fixtureUrl: string): Record<ModelClass, ModelRouteConfig> {
  const base = `${fixtureUrl.replace(/\/+$/, '')}/v1`;
  const route = (cls: ModelClass): ModelRouteConfig => ({
    model_id: `${FIXTURE_MODEL_PREFIX}${aliasOf(cls)}`,
    api_base_url: base,
    api_key_ref: `env:${FIXTURE_API_KEY_ENV}`,
    output_token_limit: DEFAULT_OUTPUT_CAPS[cls],
    enabled: true,
  });
  return { L1: route('L1'), L2: route('L2'), L3: route('L3') };
}

/**
 * The proxy's environment: `env` plus the switches that keep LiteLLM from calling home (no
 * internet on build machines, and no telemetry anywhere), plus the fixture's dummy key.
 * Throws naming the variable when an enabled route's secret is missing.
 */
export function liteLlmEnv(
  routes: ModelRoutes,
  env: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {
    ...env,
    LITELLM_TELEMETRY: 'False',
    LITELLM_LOCAL_MODEL_COST_MAP: 'True',
    LITELLM_LOCAL_ANTHROPIC_BETA_HEADERS: 'True',
    LITELLM_LOCAL_AUTOROUTER_PRESETS: 'True',
    LITELLM_LOCAL_BLOG_POSTS: 'True',
    LITELLM_LOCAL_POLICY_TEMPLATES: 'True',
    DISABLE_SCHEMA_UPDATE: 'True',
    // No admin UI and no stray `.env` picked up from the working directory.
    DISABLE_ADMIN_UI: 'True',
    LITELLM_MODE: 'PRODUCTION',
    PYTHONUNBUFFERED: '1',
  };
  for (const cls of LLM_MODEL_CLASSES) {
    const route = routes[cls];
    if (!route?.enabled) continue;
    const name = apiKeyEnvVar(route.api_key_ref);
    if (route.model_id.startsWith(FIXTURE_MODEL_PREFIX) && !out[name])
      out[name] = FIXTURE_API_KEY_VALUE;
    if (!out[name])
      throw new Error(
        `model.${aliasOf(cls)} needs the secret ${name} (api_key_ref ${route.api_key_ref}): set it in the environment`,
      );
  }
  return out;
}

export type LiteLlmOptions = {
  venvDir: string;
  port: number;
  /** Written (JSON, which LiteLLM reads as YAML) before the start. */
  configPath: string;
  routes: ModelRoutes;
  env?: NodeJS.ProcessEnv;
  logFile: string;
  /** Default 60 s: a cold start measured about 6 s on the 2-core build machine. */
  readyTimeoutMs?: number;
};

export type RunningLiteLlm = {
  url: string;
  port: number;
  process: ManagedProcess;
  stop(): Promise<void>;
};

/**
 * Starts the LiteLLM Proxy on 127.0.0.1:`port` and resolves once `/health/liveliness` answers.
 * @example const proxy = await startLiteLlm({ venvDir: VENV_DIR, port, configPath, routes, logFile });
 */
export async function startLiteLlm(opts: LiteLlmOptions): Promise<RunningLiteLlm> {
  const env = liteLlmEnv(opts.routes, opts.env);
  mkdirSync(dirname(opts.configPath), { recursive: true });
  writeFileSync(opts.configPath, `${JSON.stringify(buildLiteLlmConfig(opts.routes), null, 2)}\n`);
  const url = `http://127.0.0.1:${opts.port}`;
  const proc = await startManagedProcess({
    name: 'LiteLLM Proxy',
    command: join(opts.venvDir, 'bin', 'litellm'),
    args: [
      '--config',
      opts.configPath,
      '--host',
      '127.0.0.1',
      '--port',
      String(opts.port),
      '--telemetry',
      'False',
      '--num_workers',
      '1',
    ],
    env,
    cwd: dirname(opts.configPath),
    logFile: opts.logFile,
    ready: { url: `${url}/health/liveliness` },
    readyTimeoutMs: opts.readyTimeoutMs ?? 60_000,
  });
  return { url, port: opts.port, process: proc, stop: proc.stop };
}
