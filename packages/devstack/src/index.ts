/** @module The embedded stack: managed processes, PostgreSQL/Temporal/LiteLLM wiring, test env. */
export { DEFAULT_DATA_DIR, REPO_ROOT, VENV_DIR } from './paths';
export { DEFAULT_PORTS, redactUrl, startStack, type RunningStack, type StackOptions, type StackPorts, type StackUrls } from './stack';
export { startTemporalDevServer, type RunningTemporal, type TemporalOptions } from './temporal';
export { loadModelRoutes, seedFixtureRoutes } from './model-routes';
export { requireTestStack, testStackEnv, TEST_STACK_VARS, type TestStackEnv } from './test-env';
export { startManagedProcess, ManagedProcessError, groupAlive, type ManagedProcess, type ManagedProcessOptions, type ProcessExit, type ReadyCheck, type StartFailure } from './process';
export { assertPortFree, getFreePort, PortInUseError } from './ports';
export { apiKeyEnvVar, buildLiteLlmConfig, fixtureRoutes, liteLlmEnv, startLiteLlm, FIXTURE_API_KEY_ENV, type LiteLlmConfig, type LiteLlmOptions, type LiteLlmAlias, type RunningLiteLlm } from './litellm';
export { percentile } from './bench-stats';
