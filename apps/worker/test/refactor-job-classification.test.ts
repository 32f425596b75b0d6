/**
 * Server-side verdict of a reported local test run (issue #6; V1-FR-TEST-003 fingerprint,
 * V1-FR-TEST-008 TIMEOUT_EXECUTION apart from LOGIC_FAILURE, ARCHITECTURE D5 report conversion).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testReportRequestSchema } from '@iama/contracts';
import {
  classifyTestRun,
  failureFingerprint,
  toTestRunReport,
  type TestRunReport,
} from '../src/index';

const failed = (
  name: string,
  line: number,
  errorClass = 'AssertionError',
): TestRunReport['tests'][number] => ({
  name,
  status: 'FAILED',
  errorClass,
  location: { file: 'test/a.test.js', line, column: 3 },
  excerpt: `boom ${line}`,
  durationMs: 1,
});
const passed = (name: string): TestRunReport['tests'][number] => ({
  name,
  status: 'PASSED',
  errorClass: null,
  location: null,
  excerpt: null,
  durationMs: 1,
});
const report = (
  tests: TestRunReport['tests'],
  extra: Partial<TestRunReport> = {},
): TestRunReport => ({
  testRunId: '00000000-0000-4000-8000-000000000001',
  attemptNumber: 1,
  executionMode: 'LOCAL_NATIVE',
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 10,
  exitCode: tests.some((t) => t.status !== 'PASSED') ? 1 : 0,
  timedOut: false,
  infraError: null,
  tests,
  ...extra,
});

void describe('test run verdict (V1-FR-TEST-003, V1-FR-TEST-008)', () => {
  void it('V1-FR-TEST-003: the fingerprint is order-free over name, error class and location, and changes with any of them', () => {
    const a = classifyTestRun(report([failed('t1', 5), failed('t2', 9), passed('ok')]));
    const b = classifyTestRun(report([failed('t2', 9), passed('ok'), failed('t1', 5)]));
    assert.equal(a.status, 'FAILED');
    assert.equal(a.failureClass, 'LOGIC_FAILURE');
    assert.match(a.fingerprint!, /^sha256:[0-9a-f]{64}$/);
    assert.equal(a.fingerprint, b.fingerprint);
    assert.notEqual(
      classifyTestRun(report([failed('t1', 6), failed('t2', 9)])).fingerprint,
      a.fingerprint,
      'location',
    );
    assert.notEqual(
      classifyTestRun(report([failed('t1', 5, 'TypeError'), failed('t2', 9)])).fingerprint,
      a.fingerprint,
      'error class',
    );
    assert.notEqual(
      classifyTestRun(report([failed('t1', 5)])).fingerprint,
      a.fingerprint,
      'test set',
    );
    // Excerpts (messages with values) do not split an identical pattern.
    const again = classifyTestRun(
      report([{ ...failed('t1', 5), excerpt: 'other text' }, failed('t2', 9)]),
    );
    assert.equal(again.fingerprint, a.fingerprint);
    assert.deepEqual(
      a.failedTests.map((t) => t.name),
      ['t1', 't2'],
    );
  });

  void it('V1-FR-TEST-008: a timed-out run is TIMEOUT_EXECUTION, never LOGIC_FAILURE; an infrastructure error is INFRA_FAILURE', () => {
    const timedOut = classifyTestRun(report([], { timedOut: true, exitCode: null }));
    assert.deepEqual([timedOut.status, timedOut.failureClass], ['TIMEOUT', 'TIMEOUT_EXECUTION']);
    const testTimeout = classifyTestRun(report([{ ...failed('slow', 3), status: 'TIMEOUT' }]));
    assert.deepEqual(
      [testTimeout.status, testTimeout.failureClass],
      ['TIMEOUT', 'TIMEOUT_EXECUTION'],
    );
    const infra = classifyTestRun(report([], { infraError: 'node not found', exitCode: null }));
    assert.deepEqual([infra.status, infra.failureClass], ['FAILED', 'INFRA_FAILURE']);
  });

  void it('a non-zero exit without a failed test is still a failure; a clean run passes with no fingerprint', () => {
    const crashed = classifyTestRun(report([passed('ok')], { exitCode: 2 }));
    assert.deepEqual([crashed.status, crashed.failureClass], ['FAILED', 'LOGIC_FAILURE']);
    assert.notEqual(crashed.fingerprint, failureFingerprint([]));
    const clean = classifyTestRun(report([passed('ok')]));
    assert.deepEqual([clean.status, clean.failureClass, clean.fingerprint], ['PASSED', null, null]);
  });

  void it('ARCHITECTURE D5: the validated report body converts to the activity result field by field', () => {
    const body = testReportRequestSchema.parse({
      test_run_id: '00000000-0000-4000-8000-000000000002',
      attempt_number: 3,
      execution_mode: 'LOCAL_DOCKER',
      started_at: '2026-01-01T00:00:00.000Z',
      duration_ms: 42,
      exit_code: 1,
      timed_out: false,
      infra_error: null,
      tests: [
        {
          name: 't',
          status: 'FAILED',
          error_class: 'AssertionError',
          location: { file: 'a.js', line: 1, column: null },
          excerpt: 'x',
          duration_ms: 4,
        },
      ],
    });
    const r = toTestRunReport(body);
    assert.deepEqual(r, {
      testRunId: '00000000-0000-4000-8000-000000000002',
      attemptNumber: 3,
      executionMode: 'LOCAL_DOCKER',
      startedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 42,
      exitCode: 1,
      timedOut: false,
      infraError: null,
      tests: [
        {
          name: 't',
          status: 'FAILED',
          errorClass: 'AssertionError',
          location: { file: 'a.js', line: 1, column: null },
          excerpt: 'x',
          durationMs: 4,
        },
      ],
    });
    assert.equal(classifyTestRun(r).failureClass, 'LOGIC_FAILURE');
  });
});
