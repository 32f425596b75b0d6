/**
 * @module `@iama/client`: the IDE-side execution plane shared by the CLI and the VS Code extension
 * (issue #7). This part: the Local Native and Local Docker execution profiles (V1-FR-SBX-001…006),
 * framework detection and result parsing into structured failures (V1-FR-TEST-003/004), and the
 * D5 test report body.
 */
export {
  NATIVE_TIMEOUT_SECONDS,
  resolveTimeoutSeconds,
  TimeoutOutOfBoundsError,
  validateTimeoutSeconds,
} from './execution/timeout';
export {
  processGroupAlive,
  runProcess,
  type ProcessResult,
  type RunProcessOptions,
} from './execution/process-tree';
export {
  runLocalTests,
  type RunLocalTestsOptions,
  type TestRequest,
  type TestRequestedEvent,
} from './execution/run-local-tests';
export {
  createSandbox,
  LINKED_DEPENDENCY_DIRS,
  UnsafeSandboxPathError,
  writeSandboxFiles,
  type Sandbox,
  type SandboxFile,
} from './sandbox/sandbox-copy';
export {
  detectFramework,
  normalizeFramework,
  TEST_FRAMEWORKS,
  type ReadFile,
  type TestFramework,
} from './frameworks/detect';
export {
  commandFor,
  defaultTsLoader,
  pythonFor,
  type ResultFormat,
  type TestCommand,
} from './frameworks/command';
export { parseJUnitXml, type FailureDialect, type JUnitParseOptions } from './results/junit-xml';
export { parseUnittestVerbose } from './results/unittest-verbose';
export {
  authorizeNativeRun,
  checkVcsCheckpoint,
  type CheckpointAnswers,
  type NativeRunAuthorization,
  type VcsCheckpoint,
} from './vcs/checkpoint';
export {
  acknowledgeNativeSideEffects,
  defaultStateDir,
  hasAcknowledgedNativeSideEffects,
  readClientState,
  type ClientState,
} from './state/client-state';
export {
  decideProfile,
  detectDocker,
  resolveDegradeConsent,
  type DockerStatus,
  type ExecutionProfile,
  type ProfileDecision,
} from './docker/docker-profile';
export {
  DEFAULT_DOCKER_IMAGES,
  dockerWrap,
  removeContainer,
  type DockerRun,
} from './docker/docker-command';
export { localRunPreflight, type Preflight, type PreflightQuestion } from './execution/preflight';
