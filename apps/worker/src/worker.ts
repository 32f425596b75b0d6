/** @module Builds a Temporal worker for IAMA's workflows and activities (ADR-001, ARCHITECTURE D3). */
import { fileURLToPath } from 'node:url';
import {
  bundleWorkflowCode,
  Worker,
  type NativeConnection,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type { Activities } from './activities';

export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/**
 * Bundles the workflow code once per process: bundling costs seconds on two cores, and every
 * worker in the process (tests create several) runs the same code.
 */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger });
  return bundle;
}

const noop = () => {};
const quietBundlerLogger = {
  log: noop,
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: console.error,
};

export type CreateWorkerOptions = {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
};

export async function createIamaWorker(opts: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: opts.activities,
    // Cancellation reaches a streaming model activity only with a heartbeat; heartbeat loss must
    // stop token generation promptly (PRD V1 §13 item 15, SERVICE_ARCHITECTURE §3.4).
    maxHeartbeatThrottleInterval: '5 seconds',
  });
}
