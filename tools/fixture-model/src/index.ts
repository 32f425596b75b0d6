/** @module The deterministic fixture model (ARCHITECTURE D7), a stand-in for a model provider. */
export {
  startFixtureModel,
  type FixtureModel,
  type FixtureModelOptions,
  type RecordedRequest,
} from './server';
export {
  FIXTURE_FINGERPRINT,
  FIXTURE_MODEL_PREFIX,
  fixtureModelName,
  type ChatCompletion,
} from './respond';
export {
  FAILURE_MODES,
  SCENARIOS_DIR,
  loadScenarioFiles,
  type FailureMode,
  type ScenarioFile,
} from './scenarios';
export { estimateTokens, type Usage } from './usage';
