/**
 * @module One requested test run, end to end (ARCHITECTURE D5; V1-FR-SBX-002/004/005): sandbox
 * copy of the workspace, the event's full files written into it, the framework's runner in its
 * own process group under the timeout, results parsed into structured failures, and the body of
 * `POST /api/v1/jobs/:job_id/tests/report` validated against the contracts schema before it is
 * returned. The user's workspace is only ever read.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  testReportRequestSchema,
  type JobEvent,
  type TestCaseResult,
  type TestReportRequest,
} from '@iama/contracts';
import { DEFAULT_DOCKER_IMAGES, dockerWrap, removeContainer } from '../docker/docker-command';
import { commandFor, type ResultFormat } from '../frameworks/command';
import { detectFramework, normalizeFramework, type TestFramework } from '../frameworks/detect';
import { scrubSandboxPaths } from '../results/excerpt';
import { parseJUnitXml } from '../results/junit-xml';
import { parseUnittestVerbose } from '../results/unittest-verbose';
import { createSandbox, writeSandboxFiles } from '../sandbox/sandbox-copy';
import { runProcess, type ProcessResult } from './process-tree';
import { resolveTimeoutSeconds } from './timeout';

export type TestRequestedEvent = Extract<JobEvent, { event: 'test_requested' }>;
/** The fields of the event this runner needs (the SSE envelope fields are not). */
export type TestRequest = Pick<
  TestRequestedEvent,
  'test_run_id' | 'attempt_number' | 'framework' | 'test_files' | 'source_files' | 'timeout_seconds'
>;

export type RunLocalTestsOptions = {
  workspaceRoot: string;
  /** The user's setting (V1-FR-SBX-005); validated against the bounds. */
  configuredTimeoutSeconds?: number;
  /** What actually runs; `LOCAL_DOCKER` is reported only by the Docker profile. */
  executionMode?: TestReportRequest['execution_mode'];
  nodePath?: string;
  pythonPath?: string;
  /** `LOCAL_DOCKER` only: image (default per framework) and CLI path. */
  docker?: { image?: string; dockerPath?: string };
  /** Extra environment for the child; IAMA's own test-runner context is always removed. */
  env?: NodeJS.ProcessEnv;
  /** Observe the raw process result (diagnostics, tests). */
  onProcess?: (r: ProcessResult, sandboxDir: string) => void;
};

const INFRA_TAIL = 1500;

/**
 * @example const body = await runLocalTests(event, { workspaceRoot: '/repo' }) // then POST it
 */
export async function runLocalTests(
  req: TestRequest,
  opts: RunLocalTestsOptions,
): Promise<TestReportRequest> {
  const timeoutSeconds = resolveTimeoutSeconds(req.timeout_seconds, opts.configuredTimeoutSeconds);
  const startedAt = new Date();
  const sandbox = createSandbox(opts.workspaceRoot);
  const base = {
    test_run_id: req.test_run_id,
    attempt_number: req.attempt_number,
    execution_mode: opts.executionMode ?? 'LOCAL_NATIVE',
    started_at: startedAt.toISOString(),
  } as const;
  try {
    writeSandboxFiles(sandbox.dir, [...req.source_files, ...req.test_files]);
    const testPaths = req.test_files.map((f) => f.path);
    const framework: TestFramework | null =
      normalizeFramework(req.framework) ??
      detectFramework((p) => readOrNull(join(sandbox.dir, p)), testPaths);
    if (framework === null)
      return finish({ ...base, ...infra(`unknown test framework "${req.framework}"`), startedAt });
    const inDocker = base.execution_mode === 'LOCAL_DOCKER';
    const cmd = commandFor(framework, {
      dir: sandbox.dir,
      testPaths,
      // Inside the container the image's own interpreters run; the host's paths do not exist there.
      nodePath: inDocker ? 'node' : opts.nodePath,
      pythonPath: inDocker ? 'python3' : opts.pythonPath,
      tsLoader: inDocker ? null : undefined,
    });
    const run = inDocker
      ? dockerWrap(cmd, {
          dir: sandbox.dir,
          image: opts.docker?.image ?? DEFAULT_DOCKER_IMAGES[framework],
          dockerPath: opts.docker?.dockerPath,
        })
      : { command: cmd.command, args: cmd.args, containerName: null };
    const env = { ...process.env, ...opts.env };
    // A `node --test` parent would otherwise capture the child's results as its own subtests.
    delete env.NODE_TEST_CONTEXT;
    const proc = await runProcess({
      command: run.command,
      args: run.args,
      cwd: sandbox.dir,
      env,
      timeoutMs: timeoutSeconds * 1000,
    });
    if (proc.timedOut && run.containerName !== null)
      await removeContainer(run.containerName, opts.docker?.dockerPath);
    opts.onProcess?.(proc, sandbox.dir);
    if (proc.spawnError !== null)
      return finish({
        ...base,
        ...infra(`${framework} runner could not start: ${proc.spawnError}`),
        startedAt,
      });
    const tests = scrubSandboxPaths(readResults(cmd.result, proc, sandbox.dir), sandbox.dir);
    if (proc.timedOut)
      return finish({
        ...base,
        exit_code: null,
        timed_out: true,
        infra_error: null,
        tests,
        startedAt,
      });
    if (tests.length === 0)
      return finish({
        ...base,
        ...infra(
          `${framework} produced no test results (exit ${String(proc.exitCode)}): ${tail(proc.stderr || proc.stdout)}`,
        ),
        exit_code: proc.exitCode,
        startedAt,
      });
    return finish({
      ...base,
      exit_code: proc.exitCode,
      timed_out: false,
      infra_error: null,
      tests,
      startedAt,
    });
  } finally {
    sandbox.dispose();
  }
}

function readResults(format: ResultFormat, proc: ProcessResult, dir: string): TestCaseResult[] {
  switch (format.kind) {
    case 'unittest-verbose':
      return parseUnittestVerbose(proc.stderr, dir);
    case 'junit-xml':
      return format.files.flatMap((f) => {
        const xml = readOrNull(f);
        return xml ? parseJUnitXml(xml, { dialect: format.dialect, root: dir }) : [];
      });
    case 'junit-xml-dir':
      if (!existsSync(format.dir)) return [];
      return readdirSync(format.dir)
        .filter((f) => f.endsWith('.xml'))
        .sort()
        .flatMap((f) =>
          parseJUnitXml(readFileSync(join(format.dir, f), 'utf8'), {
            dialect: 'classname',
            root: dir,
          }),
        );
  }
}

function infra(message: string) {
  return { exit_code: null, timed_out: false, infra_error: tail(message, 2000), tests: [] };
}

function tail(s: string, n = INFRA_TAIL): string {
  const t = s.trim() || '(no output)';
  return t.length > n ? `…${t.slice(t.length - n + 1)}` : t;
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Adds the duration and validates: a body the server would refuse is a bug here, not there. */
function finish(
  r: Omit<TestReportRequest, 'duration_ms'> & { startedAt: Date },
): TestReportRequest {
  const { startedAt, ...body } = r;
  return testReportRequestSchema.parse({ ...body, duration_ms: Date.now() - startedAt.getTime() });
}
