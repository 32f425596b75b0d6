/**
 * @module The main job (ARCHITECTURE §3, issue #7) driven exactly as a client would, over HTTP
 * only: create, start, pick a strategy, approve the spec, and answer each `test_requested` from
 * the stream by running the tests locally and reporting them (ARCHITECTURE D5), with heartbeats,
 * until `DELIVERED`. Prints every state with the time since the job started and the time the
 * previous state took.
 */
import { randomUUID } from 'node:crypto';
import { runLocalTests, type TestRequestedEvent } from '@iama/client';
import type {
  CreateJobRequest,
  CreateJobResponse,
  ProposalsResponse,
  SpecResponse,
  TestReportResponse,
  WorkflowState,
} from '@iama/contracts';
import { ApiCallError, type ApiClient } from './api-client';
import { openJobStream } from './job-stream';

type File = { path: string; content: string };

export type DrivenJob = {
  jobId: string;
  /** The patched files of the last passing refactor run: what the job delivered. */
  deliveredFiles: File[];
  totalMs: number;
};

const HEARTBEAT_MS = 10_000;
/** States the demo cannot get past on its own: the job needs a person or has ended badly. */
const STOPS: WorkflowState[] = ['FAILED', 'FALLBACK_REQUIRED', 'WAITING_INTERVENTION'];

const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export async function driveJob(
  api: ApiClient,
  opts: { workspaceRoot: string; targetFiles: File[]; log(line: string): void },
): Promise<DrivenJob> {
  const { log } = opts;
  const sessionId = `iama-demo-${randomUUID()}`;
  const body: CreateJobRequest = {
    target_paths: opts.targetFiles.map((f) => f.path),
    execution_mode: 'LOCAL_NATIVE',
    target_files: opts.targetFiles,
    session_id: sessionId,
  };
  const created = await api.call<CreateJobResponse>('POST', '/api/v1/jobs', body);
  const jobId = created.job_id;
  const jobPath = `/api/v1/jobs/${jobId}`;
  log(`  job ${jobId} created`);
  const stream = await openJobStream(`${api.base}${jobPath}/logs`, api.headers());
  const beat = setInterval(() => {
    // Keep-alive only (V1-FR-JOB-007): a missed beat is retried by the next tick.
    api
      .call('POST', `${jobPath}/heartbeat`, { job_id: jobId, session_id: sessionId })
      .catch(() => undefined);
  }, HEARTBEAT_MS);
  const t0 = Date.now();
  let since = t0;
  let previous: string | undefined;
  let deliveredFiles: File[] = [];
  try {
    await api.call('POST', `${jobPath}/start`);
    for (let i = 0; ; i++) {
      while (i >= stream.events.length) await stream.next();
      const e = stream.events[i]!;
      if (e.event === 'state_change') {
        const now = Date.now();
        const took = previous ? `  (${previous} took ${secs(now - since)})` : '';
        log(`  +${secs(now - t0).padStart(6)}  ${e.state}${took}`);
        previous = e.state;
        since = now;
        if (e.state === 'DELIVERED') return { jobId, deliveredFiles, totalMs: now - t0 };
        if (STOPS.includes(e.state))
          throw new Error(`the job stopped in ${e.state}; see GET ${jobPath}`);
        if (e.state === 'WAITING_STRATEGY') await selectStrategy(api, jobPath, log);
        if (e.state === 'WAITING_SPEC_APPROVAL') await approveSpec(api, jobPath, log);
      } else if (e.event === 'test_requested') {
        const passed = await runAndReport(api, jobPath, e, opts.workspaceRoot, log);
        if (passed && e.source_files.length > 0) deliveredFiles = e.source_files;
      } else if (e.event === 'attempt_end' && !e.passed) {
        log(`           attempt ${e.attempt} failed; the worker repairs it`);
      }
    }
  } finally {
    clearInterval(beat);
    await stream.close();
  }
}

async function selectStrategy(
  api: ApiClient,
  jobPath: string,
  log: (l: string) => void,
): Promise<void> {
  const { proposals } = await api.call<ProposalsResponse>('GET', `${jobPath}/proposals`);
  const pick = proposals.find((p) => p.level === 'CONSERVATIVE') ?? proposals[0]!;
  log(`           3 strategies proposed; selecting ${pick.level}: "${pick.title}"`);
  await api.call('POST', `${jobPath}/proposals/select`, { proposal_id: pick.id });
}

async function approveSpec(
  api: ApiClient,
  jobPath: string,
  log: (l: string) => void,
): Promise<void> {
  // The state is announced before the spec is written; 409 means "not yet".
  for (;;) {
    try {
      const spec = await api.call<SpecResponse>('GET', `${jobPath}/spec`);
      log(
        `           spec: ${spec.bdd_items.length} BDD and ${spec.sdd_items.length} SDD items; approving`,
      );
      break;
    } catch (err) {
      if (!(err instanceof ApiCallError && err.status === 409)) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await api.call('POST', `${jobPath}/spec/approve`);
}

async function runAndReport(
  api: ApiClient,
  jobPath: string,
  req: TestRequestedEvent,
  workspaceRoot: string,
  log: (l: string) => void,
): Promise<boolean> {
  const report = await runLocalTests(req, { workspaceRoot });
  const passed = report.tests.filter((t) => t.status === 'PASSED').length;
  log(
    `           ${req.run_type} tests run locally: ${passed}/${report.tests.length} passed, exit ${report.exit_code} (${report.duration_ms} ms) → reported`,
  );
  await api.call<TestReportResponse>('POST', `${jobPath}/tests/report`, report);
  return report.exit_code === 0 && !report.timed_out && report.infra_error === null;
}
