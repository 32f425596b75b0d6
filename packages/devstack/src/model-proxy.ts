/**
 * @module The model path tests need without the whole stack (ARCHITECTURE D2, D7): the fixture
 * model behind a real LiteLLM Proxy. Uses `LITELLM_BASE_URL` + `FIXTURE_MODEL_URL` when the test
 * harness provides them; otherwise starts both on free ports and stops them afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFixtureModel } from '@iama/fixture-model';
import { fixtureRoutes, startLiteLlm } from './litellm';
import { VENV_DIR } from './paths';
import { getFreePort } from './ports';

export type ModelProxy = {
  /** LiteLLM Proxy base URL (no `/v1`). */
  proxyUrl: string;
  /** Fixture model base URL, for its `/fixture/requests` log. */
  fixtureUrl: string;
  /** True when this process started the services (and `stop` stops them). */
  owned: boolean;
  stop(): Promise<void>;
};

/**
 * The fixture model behind LiteLLM, from the harness or freshly started.
 * @example
 * const models = await useModelProxy();
 * after(() => models.stop());
 */
export async function useModelProxy(env: NodeJS.ProcessEnv = process.env): Promise<ModelProxy> {
  if (env.LITELLM_BASE_URL && env.FIXTURE_MODEL_URL) {
    return { proxyUrl: env.LITELLM_BASE_URL, fixtureUrl: env.FIXTURE_MODEL_URL, owned: false, stop: async () => {} };
  }
  const dir = mkdtempSync(join(tmpdir(), 'iama-model-proxy-'));
  const fixture = await startFixtureModel();
  try {
    const proxy = await startLiteLlm({
      venvDir: VENV_DIR,
      port: await getFreePort(),
      configPath: join(dir, 'litellm.config.json'),
      routes: fixtureRoutes(fixture.url),
      logFile: join(dir, 'litellm.log'),
    });
    return {
      proxyUrl: proxy.url,
      fixtureUrl: fixture.url,
      owned: true,
      stop: async () => {
        await proxy.stop();
        await fixture.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await fixture.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
