/**
 * @module `POST /api/v1/jobs/:job_id/tests/report` — the IDE posts the result of a test run it
 * was asked for by a `test_requested` event (ARCHITECTURE D5, implementation plan phase 5;
 * recorded in docs/api/ADDITIONS.md). The server derives `test_runs.status`, the failure class
 * (V1-FR-TEST-008) and the failure fingerprint (V1-FR-TEST-003) from these facts rather than
 * trusting a client verdict.
 */
import { z } from 'zod';
import { EXECUTION_MODES } from '../workflow/states';
import {
  isoDateTime,
  jobIdParamsSchema,
  testFailureClassSchema,
  testLocationSchema,
  uuid,
} from './common';
import { defineEndpoint } from './endpoint';

/** Outcome of one test case as the runner saw it. */
export const TEST_CASE_STATUSES = ['PASSED', 'FAILED', 'SKIPPED', 'TIMEOUT'] as const;

export const testCaseResultSchema = z
  .strictObject({
    name: z.string().min(1).max(1000),
    status: z.enum(TEST_CASE_STATUSES),
    /** Exception / assertion class, e.g. `AssertionError`; one of the fingerprint inputs. */
    error_class: z.string().min(1).max(300).nullable(),
    location: testLocationSchema.nullable(),
    /** Bounded so one report cannot smuggle a whole file into logs or evidence. */
    excerpt: z.string().max(4000).nullable(),
    duration_ms: z.int().nonnegative(),
  })
  .refine(
    (t) =>
      t.status === 'FAILED' ||
      t.status === 'TIMEOUT' ||
      (t.error_class === null && t.excerpt === null),
    {
      message: 'only failed or timed-out tests carry error_class and excerpt',
      path: ['error_class'],
    },
  );
export type TestCaseResult = z.infer<typeof testCaseResultSchema>;

/** Local runs only: remote runs are reported by the sandbox, not the IDE. */
const localModes = EXECUTION_MODES.filter((m) => m !== 'REMOTE_SANDBOX') as [
  'LOCAL_DOCKER',
  'LOCAL_NATIVE',
];

export const testReportRequestSchema = z
  .strictObject({
    test_run_id: uuid(),
    attempt_number: z.int().nonnegative(),
    /** What actually ran: Docker may have degraded to Native (V1-FR-SBX-003). */
    execution_mode: z.enum(localModes),
    started_at: isoDateTime(),
    duration_ms: z.int().nonnegative(),
    /** `null` when the process was killed (timeout) or never started (infra error). */
    exit_code: z.int().nullable(),
    /** The runner hit the configured timeout and killed the process (V1-FR-SBX-004, V1-FR-TEST-008). */
    timed_out: z.boolean(),
    /** The runner could not run the tests at all (missing toolchain, Docker crash): INFRA_FAILURE. */
    infra_error: z.string().min(1).max(2000).nullable(),
    tests: z.array(testCaseResultSchema).max(10_000),
  })
  .superRefine((r, ctx) => {
    if (r.exit_code === null && !r.timed_out && r.infra_error === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['exit_code'],
        message: 'exit_code is required unless the run timed out or hit an infra error',
      });
    }
    if (r.infra_error === null && !r.timed_out && r.tests.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['tests'],
        message: 'a completed run must report at least one test',
      });
    }
    const names = new Set<string>();
    r.tests.forEach((t, i) => {
      if (names.has(t.name))
        ctx.addIssue({
          code: 'custom',
          path: ['tests', i, 'name'],
          message: 'duplicate test name',
        });
      names.add(t.name);
    });
  });
export type TestReportRequest = z.infer<typeof testReportRequestSchema>;

/** What the server concluded; a repeated identical report gets the same answer (idempotent). */
export const testReportResponseSchema = z.strictObject({
  test_run_id: uuid(),
  status: z.enum(['PASSED', 'FAILED', 'TIMEOUT']),
  failure_class: testFailureClassSchema.nullable(),
  failure_pattern_fingerprint: z.string().nullable(),
});
export type TestReportResponse = z.infer<typeof testReportResponseSchema>;

export const jobTestReportEndpoints = [
  defineEndpoint({
    id: 'jobs.reportTests',
    method: 'POST',
    path: '/api/v1/jobs/:job_id/tests/report',
    auth: 'user',
    summary: 'IDE posts the result of a requested local test run',
    source: 'ADDITIONS.md (ARCHITECTURE D5)',
    requirementIds: [
      'V1-FR-TEST-002',
      'V1-FR-TEST-003',
      'V1-FR-TEST-004',
      'V1-FR-TEST-008',
      'V1-FR-SBX-001',
      'V1-FR-SBX-003',
      'V1-FR-SBX-004',
    ],
    request: { params: jobIdParamsSchema, body: testReportRequestSchema },
    responses: { 200: testReportResponseSchema },
    // Conflict: no run with this id/attempt is awaiting a report (stale or foreign run).
    errors: ['JOB_STATE_CONFLICT'],
  }),
];
