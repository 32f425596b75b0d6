/**
 * @module The error catalogue against API_CONTRACT §12 and every `error_code` the contract
 * names (the shape of Fastify's errors test: nothing documented is missing, nothing catalogued
 * is undocumented), and the envelope rules of §13 invariant 4 / ARCHITECTURE §5.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  apiError,
  ENDPOINTS,
  ERROR_CATALOGUE,
  ERROR_CODES,
  errorEnvelopeSchema,
  httpStatusOf,
  isErrorCode,
  type ErrorCode,
} from '@iama/contracts';
import { additionsText, contractText, skipWithoutContract } from './contract-source';

const contract = contractText ?? '';

void test(
  'API_CONTRACT §12: every code of the core table is catalogued with the same HTTP status',
  { skip: skipWithoutContract },
  () => {
    const rows = [...contract.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \| (\d{3}) \|/gm)];
    assert.ok(rows.length >= 23, `expected the §12 table, found ${rows.length} rows`);
    for (const [, code, status] of rows) {
      assert.ok(isErrorCode(code), `${code} missing from ERROR_CATALOGUE`);
      assert.equal(httpStatusOf(code as ErrorCode), Number(status), `${code} status`);
    }
  },
);

void test(
  'API_CONTRACT §2-§10: every error_code named by an endpoint is catalogued',
  { skip: skipWithoutContract },
  () => {
    const named = new Set<string>();
    for (const [, rest] of contract.matchAll(/error_code: (.*)$/gm))
      for (const [, code] of rest!.matchAll(/"([A-Z][A-Z0-9_]+)"/g)) named.add(code!);
    // §8 names this one as a failure reason rather than an error_code line.
    named.add('GITHUB_TOKEN_REFRESH_FAILED');
    named.delete('MACHINE_READABLE_CODE'); // §12's placeholder
    assert.ok(named.size > 20);
    const missing = [...named].filter((c) => !isErrorCode(c));
    assert.deepEqual(missing, []);
  },
);

void test(
  'every catalogued code is documented in API_CONTRACT.md or docs/api/ADDITIONS.md',
  { skip: skipWithoutContract },
  () => {
    const undocumented = ERROR_CODES.filter(
      (c) => !new RegExp(`\\b${c}\\b`).test(contract) && !additionsText.includes(`\`${c}\``),
    );
    assert.deepEqual(undocumented, []);
  },
);

void test(
  'every code outside API_CONTRACT.md is recorded in ADDITIONS.md with its status (ARCHITECTURE D6)',
  { skip: skipWithoutContract },
  () => {
    for (const code of ERROR_CODES.filter((c) => !new RegExp(`\\b${c}\\b`).test(contract))) {
      assert.match(
        additionsText,
        new RegExp(`\\| \`${code}\` \\| ${ERROR_CATALOGUE[code].httpStatus} \\|`),
        code,
      );
    }
  },
);

void test('codes no route returns are exactly the non-HTTP ones (workflow reasons, preflight violation types, client checks)', () => {
  const used = new Set(ENDPOINTS.flatMap((e) => e.errorCodes));
  const unused = ERROR_CODES.filter((c) => !used.has(c)).sort();
  assert.deepEqual(unused, [
    'ESCALATION_CONFIRMATION_TIMEOUT',
    'INSUFFICIENT_FUNDS',
    'LOCAL_NATIVE_NO_VCS_CHECKPOINT',
    'REPO_SIZE_LIMIT_EXCEEDED',
  ]);
});

void test('API_CONTRACT §12: the envelope example parses', { skip: skipWithoutContract }, () => {
  const block = /## 12\.[\s\S]*?```json\n([\s\S]*?)```/.exec(contract)?.[1];
  assert.ok(block, '§12 json block');
  const example = JSON.parse(block.replace(/\/\/.*$/gm, '')) as Record<string, unknown>;
  // The placeholder code is not a real one; the shape is what §12 fixes.
  const parsed = errorEnvelopeSchema.parse({ ...example, error_code: 'JOB_NOT_FOUND' });
  assert.deepEqual(Object.keys(parsed).sort(), ['detail', 'error_code', 'message']);
});

void test('§13 invariant 4: a 403 envelope without denial_reason is rejected; apiError fills it', () => {
  const r = errorEnvelopeSchema.safeParse({
    error_code: 'JOB_OWNERSHIP_VIOLATION',
    message: 'not yours',
  });
  assert.equal(r.success, false);
  assert.deepEqual(
    r.error!.issues.map((i) => i.path),
    [['denial_reason']],
  );

  const e = apiError('JOB_OWNERSHIP_VIOLATION', 'not yours');
  assert.equal(e.status, 403);
  assert.equal(e.body.denial_reason, 'JOB_OWNERSHIP_VIOLATION');

  const ent = apiError('ENTITLEMENT_DENIED', 'cloud sandbox needs Pro', {
    denial_reason: 'EXECUTION_ENVIRONMENT_NOT_ENTITLED',
  });
  assert.equal(ent.body.denial_reason, 'EXECUTION_ENVIRONMENT_NOT_ENTITLED');
});

void test('ARCHITECTURE §5, V1-FR-SUB-005: every 429 carries retry_after and reset_at; quota codes carry the PRD reason', () => {
  const e = apiError('QUOTA_EXCEEDED_DAILY', 'daily limit', {
    retry_after: '2026-03-02T00:00:00Z',
  });
  assert.equal(e.status, 429);
  assert.deepEqual(e.body, {
    error_code: 'QUOTA_EXCEEDED_DAILY',
    message: 'daily limit',
    retry_after: '2026-03-02T00:00:00Z',
    reset_at: '2026-03-02T00:00:00Z',
    denial_reason: 'DAILY_JOB_LIMIT_REACHED',
  });
  assert.equal(
    apiError('QUOTA_EXCEEDED_MONTHLY', 'no credits', { retry_after: '2026-04-01T00:00:00Z' }).body
      .denial_reason,
    'INSUFFICIENT_MONTHLY_BALANCE',
  );

  const bad = errorEnvelopeSchema.safeParse({ error_code: 'RATE_LIMITED', message: 'slow down' });
  assert.equal(bad.success, false);
  assert.deepEqual(bad.error!.issues.map((i) => i.path).sort(), [['reset_at'], ['retry_after']]);
  // A programming error, not user input: the compiler refuses it, and so does the runtime.
  // @ts-expect-error 429 codes need retry_after
  assert.throws(() => apiError('RATE_LIMITED', 'slow down'));
});

void test('API_CONTRACT §4/§6/§8/§9: code-specific fields are required (SPEC_REVISION_CONFLICT, ROLE_INSUFFICIENT, REMOTE_HEAD_CONFLICT)', () => {
  const conflict = apiError('SPEC_REVISION_CONFLICT', 'stale', {
    current_revision_token: 'rt-2',
    diff_payload: { bdd_items: [] },
  });
  assert.equal(conflict.status, 409);
  assert.equal(
    errorEnvelopeSchema.safeParse({ error_code: 'SPEC_REVISION_CONFLICT', message: 'stale' })
      .success,
    false,
  );

  const role = apiError('ROLE_INSUFFICIENT', 'api_key_ref keys require SUPER_ADMIN', {
    required_role: 'SUPER_ADMIN',
  });
  assert.deepEqual(
    [role.status, role.body.required_role, role.body.denial_reason],
    [403, 'SUPER_ADMIN', 'ROLE_INSUFFICIENT'],
  );

  const head = errorEnvelopeSchema.safeParse({
    error_code: 'REMOTE_HEAD_CONFLICT',
    message: 'head moved',
    current_head_sha: 'b'.repeat(40),
    job_start_head_sha: 'a'.repeat(40),
    recovery_options: ['AUTO_REBASE', 'FORCE_PUSH'],
  });
  assert.equal(head.success, false);
  assert.deepEqual(head.error!.issues[0]!.path, ['recovery_options', 1]);
});

void test('the envelope rejects unknown codes and unknown fields', () => {
  assert.equal(
    errorEnvelopeSchema.safeParse({ error_code: 'CANCELLED', message: 'x' }).success,
    false,
  );
  const extra = errorEnvelopeSchema.safeParse({
    error_code: 'JOB_NOT_FOUND',
    message: 'x',
    stack: 'at ...',
  });
  assert.equal(extra.success, false);
  assert.equal(isErrorCode('JOB_NOT_FOUND'), true);
  assert.equal(isErrorCode('toString'), false);
  assert.equal(isErrorCode(42), false);
});
