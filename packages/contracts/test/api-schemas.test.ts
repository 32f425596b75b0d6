/**
 * @module Round trips of representative payloads shaped as API_CONTRACT shows them, and the
 * failure paths: invalid bodies are rejected with precise zod issues (path + code), which is
 * what the API turns into `VALIDATION_FAILED` / field-specific codes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { z } from 'zod';
import {
  adjustQuotaRequestSchema,
  applyDeliveryRequestSchema,
  auditExportQuerySchema,
  configKeyRoles,
  createJobRequestSchema,
  dataErasureRequestSchema,
  deliveryResponseSchema,
  effectiveDraft,
  endpointById,
  fallbackResponseSchema,
  githubDeliveryRequestSchema,
  githubDeliveryResponseSchema,
  isMetadataOnlyEvent,
  jobEventSchema,
  jobSchema,
  killSwitchRequestSchema,
  killSwitchRoles,
  listJobsQuerySchema,
  oauthInitiateQuerySchema,
  subscriptionResponseSchema,
  testReportRequestSchema,
  updateSpecRequestSchema,
  validationError,
} from '@iama/contracts';

const JOB = '7b0f6c1e-3f0a-4d53-9a41-3d1c2f0e8a11';
const T = '2026-03-01T10:00:00Z';

/** `[path, code]` of every issue, the precision the API reports back. */
function issues(schema: z.ZodType, input: unknown): Array<[string, string]> {
  const r = schema.safeParse(input);
  assert.equal(r.success, false, 'expected a validation failure');
  return r.error!.issues.map((i) => [i.path.join('.'), i.code]);
}

const job = {
  job_id: JOB,
  status: 'SELF_HEALING',
  created_at: T,
  updated_at: T,
  target_paths: ['src/billing/invoice.py'],
  execution_mode: 'LOCAL_DOCKER',
  current_phase: 2,
  attempt_count: 4,
  identical_failure_count: 1,
  failure_pattern_fingerprint: 'fp:9c1d',
  baseline_mode: 'CHARACTERIZATION',
  artifact_expires_at: null,
  heartbeat_status: 'GRACE_PERIOD',
  last_heartbeat_at: T,
  grace_deadline_at: '2026-03-01T10:05:00Z',
};

void test('V1-FR-JOB-001 POST /api/v1/jobs: a contract-shaped body round-trips', () => {
  const body = {
    target_paths: ['src/legacy/orders.js', 'src/legacy/util.js'],
    execution_mode: 'LOCAL_NATIVE',
    refactor_context: 'split the god function',
  };
  assert.deepEqual(createJobRequestSchema.parse(body), body);
});

void test('V1-FR-JOB-001 POST /api/v1/jobs: missing mode, escaping paths and unknown fields are rejected precisely', () => {
  assert.deepEqual(issues(createJobRequestSchema, { target_paths: ['src/a.js'] }), [
    ['execution_mode', 'invalid_value'],
  ]);
  assert.deepEqual(
    issues(createJobRequestSchema, {
      target_paths: ['src/ok.js', '../etc/passwd'],
      execution_mode: 'LOCAL_DOCKER',
    }),
    [['target_paths.1', 'custom']],
  );
  assert.deepEqual(issues(createJobRequestSchema, { target_paths: [], execution_mode: 'CLOUD' }), [
    ['target_paths', 'too_small'],
    ['execution_mode', 'invalid_value'],
  ]);
  // Ownership comes from the token, never from the body (§13 invariant 2).
  assert.deepEqual(
    issues(createJobRequestSchema, {
      target_paths: ['a.js'],
      execution_mode: 'LOCAL_DOCKER',
      owner_id: JOB,
    }),
    [['', 'unrecognized_keys']],
  );
});

void test('API_CONTRACT §4 GET /api/v1/jobs: query strings are coerced and bounded (limit max 100)', () => {
  assert.deepEqual(listJobsQuerySchema.parse({ limit: '50' }), { limit: 50, offset: 0 });
  assert.deepEqual(listJobsQuerySchema.parse({}), { limit: 20, offset: 0 });
  assert.deepEqual(issues(listJobsQuerySchema, { limit: '101', status: 'CANCELLED' }), [
    ['limit', 'too_big'],
    ['status', 'invalid_value'],
  ]);
});

void test('§13 invariant 6: job detail always carries the three heartbeat fields', () => {
  assert.deepEqual(jobSchema.parse(job), job);
  const { heartbeat_status: _h, last_heartbeat_at: _l, ...withoutHeartbeat } = job;
  assert.deepEqual(issues(jobSchema, withoutHeartbeat), [
    ['heartbeat_status', 'invalid_value'],
    ['last_heartbeat_at', 'invalid_type'],
  ]);
});

void test('V1-FR-SUB-001 GET /api/v1/subscription/me: execution_environments is exactly [LOCAL] or [LOCAL, CLOUD]', () => {
  const me = {
    tier: 'PRO',
    context_cap: 200_000,
    operating_mode: 'PROFESSIONAL',
    phase_1_limit: { type: 'daily', limit: 20 },
    phase_2_limit: { type: 'monthly', limit: null },
    phase_3_limit: { type: 'unlimited', limit: null },
    execution_environments: ['LOCAL', 'CLOUD'],
    web_github_enabled: true,
    enterprise_report_enabled: false,
    billing_status: 'ACTIVE',
  };
  assert.deepEqual(subscriptionResponseSchema.parse(me), me);
  assert.equal(
    subscriptionResponseSchema.safeParse({ ...me, execution_environments: ['CLOUD'] }).success,
    false,
  );
});

void test('§13 invariant 11, V2-FR-WF-002: spec updates need the revision token and some content', () => {
  assert.deepEqual(issues(updateSpecRequestSchema, { bdd_items: [] }), [
    ['revision_token', 'invalid_type'],
  ]);
  assert.deepEqual(issues(updateSpecRequestSchema, { revision_token: 'rt-1' }), [
    ['bdd_items', 'custom'],
  ]);
  const body = {
    revision_token: 'rt-1',
    bdd_items: [
      { given: 'an unpaid invoice', when_action: 'it is settled', then_outcome: 'status is PAID' },
    ],
  };
  assert.deepEqual(updateSpecRequestSchema.parse(body), body);
});

void test('V1-FR-DEL-005 delivery/apply: partial acceptance must name files or hunks', () => {
  assert.deepEqual(issues(applyDeliveryRequestSchema, { accept_all: false }), [
    ['accepted_files', 'custom'],
  ]);
  const partial = { accept_all: false, accepted_hunks: [{ file: 'src/a.py', hunk_ids: ['h1'] }] };
  assert.deepEqual(applyDeliveryRequestSchema.parse(partial), partial);
});

void test('§13 invariant 7, V1-FR-DEL-001: delivery always carries artifact_expires_at', () => {
  const delivery = {
    diff_files: [
      {
        path: 'src/a.py',
        change_type: 'MODIFIED',
        base_hash: 'sha256:' + 'a'.repeat(64),
        original_content: 'x = 1\n',
        patched_content: 'x = 2\n',
        hunks: [{ hunk_id: 'h1', old_start: 1, old_lines: 1, new_start: 1, new_lines: 1 }],
      },
    ],
    patch_artifact_url: '/api/v1/artifacts/p1',
    artifact_expires_at: T,
    baseline_mode_used: 'ASSERTION',
    baseline_risk_note: null,
    can_revert: true,
  };
  assert.deepEqual(deliveryResponseSchema.parse(delivery), delivery);
  const { artifact_expires_at: _a, ...without } = delivery;
  assert.deepEqual(issues(deliveryResponseSchema, without), [
    ['artifact_expires_at', 'invalid_type'],
  ]);
});

void test('V1-FR-DEL-002, V1-FR-TEST-004 fallback: Deep Fix always requires confirmation', () => {
  const fallback = {
    failed_tests: [
      {
        name: 'test_total',
        error_class: 'AssertionError',
        location: { file: 'tests/test_a.py', line: 12, column: null },
        excerpt: 'assert 3 == 4',
      },
    ],
    error_excerpts: ['assert 3 == 4'],
    failure_pattern_fingerprint: 'fp:1',
    identical_failure_count: 3,
    last_patch_summary: 'inlined helper',
    partial_artifact_url: null,
    available_actions: [
      { type: 'DEEP_FIX', requires_confirmation: true },
      { type: 'INTERVENE' },
      { type: 'REPORT_ISSUE' },
    ],
  };
  assert.deepEqual(fallbackResponseSchema.parse(fallback), fallback);
  assert.equal(
    fallbackResponseSchema.safeParse({
      ...fallback,
      available_actions: [{ type: 'DEEP_FIX', requires_confirmation: false }],
    }).success,
    false,
  );
  assert.equal(
    fallbackResponseSchema.safeParse({ ...fallback, available_actions: [{ type: 'DEEP_FIX' }] })
      .success,
    false,
  );
});

const report = {
  test_run_id: '0d5c3f3e-6a8f-4f56-8b7c-2a1e5c9d7b10',
  attempt_number: 2,
  execution_mode: 'LOCAL_NATIVE',
  started_at: T,
  duration_ms: 1840,
  exit_code: 1,
  timed_out: false,
  infra_error: null,
  tests: [
    {
      name: 'test_total',
      status: 'FAILED',
      error_class: 'AssertionError',
      location: { file: 'tests/test_a.py', line: 12, column: 5 },
      excerpt: 'assert 3 == 4',
      duration_ms: 12,
    },
    {
      name: 'test_tax',
      status: 'PASSED',
      error_class: null,
      location: null,
      excerpt: null,
      duration_ms: 3,
    },
  ],
};

void test('ARCHITECTURE D5, V1-FR-TEST-003/008 tests/report: a structured result round-trips', () => {
  assert.deepEqual(testReportRequestSchema.parse(report), report);
  const timedOut = { ...report, exit_code: null, timed_out: true, tests: [] };
  assert.deepEqual(testReportRequestSchema.parse(timedOut), timedOut);
  const infra = {
    ...report,
    exit_code: null,
    infra_error: 'docker daemon not reachable',
    tests: [],
  };
  assert.deepEqual(testReportRequestSchema.parse(infra), infra);
});

void test('ARCHITECTURE D5 tests/report: inconsistent reports are rejected with the offending path', () => {
  assert.deepEqual(issues(testReportRequestSchema, { ...report, exit_code: null }), [
    ['exit_code', 'custom'],
  ]);
  assert.deepEqual(issues(testReportRequestSchema, { ...report, tests: [] }), [
    ['tests', 'custom'],
  ]);
  assert.deepEqual(
    issues(testReportRequestSchema, { ...report, tests: [report.tests[0], report.tests[0]] }),
    [['tests.1.name', 'custom']],
  );
  assert.deepEqual(
    issues(testReportRequestSchema, {
      ...report,
      tests: [{ ...report.tests[1], excerpt: 'leak' }],
    }),
    [['tests.0.error_class', 'custom']],
  );
  assert.deepEqual(
    issues(testReportRequestSchema, { ...report, execution_mode: 'REMOTE_SANDBOX' }),
    [['execution_mode', 'invalid_value']],
  );
  assert.deepEqual(
    issues(testReportRequestSchema, {
      ...report,
      tests: [{ ...report.tests[0], excerpt: 'x'.repeat(4001) }],
    }),
    [['tests.0.excerpt', 'too_big']],
  );
});

void test('V2-FR-WF-004 log stream: spec_updated parses; unknown events and missing fields do not', () => {
  const ev = {
    event: 'spec_updated',
    job_id: JOB,
    revision_id: JOB,
    revision_token: 'rt-2',
    updated_by_surface: 'WEB',
    timestamp: T,
  };
  assert.deepEqual(jobEventSchema.parse(ev), ev);
  assert.equal(jobEventSchema.safeParse({ event: 'chat_message', text: 'hi' }).success, false);
  assert.deepEqual(
    issues(jobEventSchema, { event: 'attempt_start', attempt: 1, phase: 4, model_class: 'L2' }),
    [['phase', 'invalid_union']],
  );
});

void test('§13 invariants 9-10, V2-FR-WEB-005: GitHub delivery defaults to draft and always carries provenance', () => {
  const parsed = githubDeliveryRequestSchema.parse({
    branch_name: 'iama/job-1',
    pr_title: 'Refactor orders',
    pr_body: 'job ' + JOB,
  });
  assert.equal(parsed.draft, true);
  assert.equal(parsed.delivery_policy, 'DRAFT_PR');
  assert.deepEqual(issues(githubDeliveryRequestSchema, { ...parsed, draft: false }), [
    ['draft', 'custom'],
  ]);
  assert.equal(
    effectiveDraft({ ...parsed, draft: false, delivery_policy: 'READY_FOR_REVIEW_PR' }, false),
    true,
  );
  assert.equal(
    effectiveDraft({ ...parsed, draft: false, delivery_policy: 'READY_FOR_REVIEW_PR' }, true),
    false,
  );
  const res = {
    pr_url: 'https://github.com/o/r/pull/1',
    branch_url: 'https://github.com/o/r/tree/b',
    commit_sha: 'c'.repeat(40),
    draft: true,
  };
  assert.deepEqual(issues(githubDeliveryResponseSchema, res), [['provenance', 'invalid_type']]);
});

void test('V1-FR-OPS-002/003 admin: kill-switch scope rules, quota reason codes, api_key_ref needs SUPER_ADMIN', () => {
  assert.deepEqual(
    issues(killSwitchRequestSchema, { scope: 'USER', action: 'ENABLE', reason: 'abuse' }),
    [['user_id', 'custom']],
  );
  assert.deepEqual(
    issues(killSwitchRequestSchema, {
      scope: 'GLOBAL',
      user_id: JOB,
      action: 'ENABLE',
      reason: 'incident',
    }),
    [['user_id', 'custom']],
  );
  assert.deepEqual(killSwitchRoles('GLOBAL'), ['SUPER_ADMIN', 'ENGINEER']);
  assert.ok(killSwitchRoles('USER').includes('SUPPORT'));
  assert.deepEqual(
    issues(adjustQuotaRequestSchema, { phase: 2, delta: 0, reason_code: 'goodwill refund' }),
    [
      ['delta', 'custom'],
      ['reason_code', 'invalid_format'],
    ],
  );
  assert.deepEqual(configKeyRoles('model.l3.api_key_ref'), ['SUPER_ADMIN']);
  assert.deepEqual(configKeyRoles('model.l3.output_token_limit'), ['SUPER_ADMIN', 'ENGINEER']);
});

void test('field error codes: register reports password problems as WEAK_PASSWORD, not VALIDATION_FAILED', () => {
  const register = endpointById('auth.register');
  assert.deepEqual(register.fieldErrorCodes, { email: 'INVALID_EMAIL', password: 'WEAK_PASSWORD' });
  assert.ok(
    register.errorCodes.includes('WEAK_PASSWORD') && register.errorCodes.includes('INVALID_EMAIL'),
  );
  const body = register.request.body!;
  assert.deepEqual(issues(body, { email: 'a@b.dev', password: 'short' }), [
    ['password', 'too_small'],
  ]);
});

void test('§12, PRD V1 §10 item 5: validation failures become the envelope, with the route-specific code where declared', () => {
  const register = endpointById('auth.register');
  const weak = register.request.body!.safeParse({ email: 'a@b.dev', password: 'hunter2' });
  const res = validationError(register, 'body', weak.error!);
  assert.equal(res.status, 400);
  assert.equal(res.body.error_code, 'WEAK_PASSWORD');
  const detail = res.body.detail as { part: string; issues: Array<{ path: string; code: string }> };
  assert.equal(detail.part, 'body');
  assert.deepEqual(
    detail.issues.map((x) => [x.path, x.code]),
    [['password', 'too_small']],
  );
  assert.doesNotMatch(JSON.stringify(res.body), /hunter2/, 'the rejected input is never echoed');

  const start = endpointById('jobs.start');
  const bad = start.request.params!.safeParse({ job_id: 'nope' });
  const generic = validationError(start, 'params', bad.error!);
  assert.deepEqual([generic.status, generic.body.error_code], [400, 'VALIDATION_FAILED']);

  const preflight = endpointById('github.preflight');
  const noScope = preflight.request.body!.safeParse({ branch: 'main', path_scope: '' });
  const scoped = validationError(preflight, 'body', noScope.error!);
  assert.deepEqual([scoped.status, scoped.body.error_code], [422, 'PATH_SCOPE_REQUIRED']);
});

void test('V1-FR-AUTH-002: OAuth redirect override must be a vscode:// deep link', () => {
  assert.deepEqual(
    oauthInitiateQuerySchema.parse({ redirect_uri: 'vscode://iama.extension/auth' }),
    { redirect_uri: 'vscode://iama.extension/auth' },
  );
  assert.deepEqual(issues(oauthInitiateQuerySchema, { redirect_uri: 'https://evil.example/cb' }), [
    ['redirect_uri', 'invalid_format'],
  ]);
});

void test('V1-FR-ANA-003, §13 invariant 8: only flat metadata is telemetry', () => {
  const ok = {
    event_name: 'patch_accepted',
    properties: { files: 2, mode: 'partial', pro: true },
    timestamp: T,
  };
  assert.equal(isMetadataOnlyEvent(ok), true);
  assert.equal(isMetadataOnlyEvent({ ...ok, properties: { bdd_text: 'Given a user' } }), false);
  assert.equal(isMetadataOnlyEvent({ ...ok, properties: { note: 'def f():\n  return 1' } }), false);
  assert.equal(isMetadataOnlyEvent({ ...ok, properties: { nested: { a: 1 } } }), false);
});

void test('API_CONTRACT §10: erasure needs confirm: true; audit export ranges are ordered', () => {
  assert.deepEqual(issues(dataErasureRequestSchema, { confirm: false }), [
    ['confirm', 'invalid_value'],
  ]);
  assert.deepEqual(
    issues(auditExportQuerySchema, { from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }),
    [['from', 'custom']],
  );
});
