/**
 * @module Server-side verdict of a reported test run (V1-FR-TEST-003, V1-FR-TEST-008): status,
 * failure class and failure-pattern fingerprint derived from the facts the client reported, never
 * from a client verdict. Shared by the workflow's activities and the API's report endpoint.
 */
import { createHash } from 'node:crypto';
import type { TestRunReport } from '../../workflows/refactor-job/api';

export type TestRunVerdict = {
  status: 'PASSED' | 'FAILED' | 'TIMEOUT';
  failureClass: 'LOGIC_FAILURE' | 'TIMEOUT_EXECUTION' | 'INFRA_FAILURE' | null;
  /** `sha256:<hex>` of the sorted (test name, error class, location) triples; `null` when passed. */
  fingerprint: string | null;
  failedTests: {
    name: string;
    errorClass: string | null;
    location: { file: string; line: number | null; column: number | null } | null;
    excerpt: string | null;
  }[];
};

const locationKey = (l: TestRunReport['tests'][number]['location']) =>
  l ? `${l.file}:${l.line ?? ''}:${l.column ?? ''}` : '';

/**
 * Fingerprint = test names + error class + failure location (V1-FR-TEST-003 acceptance), order-free.
 * @example failureFingerprint([{ name: 't', errorClass: 'AssertionError', location: null }])
 */
export function failureFingerprint(
  tests: readonly {
    name: string;
    errorClass: string | null;
    location: TestRunReport['tests'][number]['location'];
  }[],
  extra = '',
): string {
  const lines = tests
    .map((t) => `${t.name}\u0000${t.errorClass ?? ''}\u0000${locationKey(t.location)}`)
    .sort();
  return `sha256:${createHash('sha256')
    .update(`${lines.join('\n')}\n${extra}`)
    .digest('hex')}`;
}

/**
 * Classifies a report: an infrastructure error is `INFRA_FAILURE`; a run or test timeout is
 * `TIMEOUT_EXECUTION` (kept apart from logic failures); failed tests or a non-zero exit are
 * `LOGIC_FAILURE`.
 */
export function classifyTestRun(report: TestRunReport): TestRunVerdict {
  const failed = report.tests.filter((t) => t.status === 'FAILED' || t.status === 'TIMEOUT');
  const failedTests = failed.map((t) => ({
    name: t.name,
    errorClass: t.errorClass,
    location: t.location,
    excerpt: t.excerpt,
  }));
  if (report.infraError !== null) {
    return {
      status: 'FAILED',
      failureClass: 'INFRA_FAILURE',
      fingerprint: failureFingerprint([], `infra`),
      failedTests,
    };
  }
  if (report.timedOut || report.tests.some((t) => t.status === 'TIMEOUT')) {
    return {
      status: 'TIMEOUT',
      failureClass: 'TIMEOUT_EXECUTION',
      fingerprint: failureFingerprint(failed, 'timeout'),
      failedTests,
    };
  }
  if (failed.length > 0 || (report.exitCode !== null && report.exitCode !== 0)) {
    return {
      status: 'FAILED',
      failureClass: 'LOGIC_FAILURE',
      fingerprint: failureFingerprint(failed, failed.length ? '' : `exit:${report.exitCode}`),
      failedTests,
    };
  }
  return { status: 'PASSED', failureClass: null, fingerprint: null, failedTests: [] };
}
