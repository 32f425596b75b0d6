/**
 * @module ENDPOINTS against API_CONTRACT.md: the same routes (additions excepted, read from
 * docs/api/ADDITIONS.md), in the same section, with the same top-level field names in every
 * request, query, header and response block the contract spells out.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { ENDPOINTS, jobEventSchema, type Endpoint } from '@iama/contracts';
import {
  additionEndpoints,
  additionsText,
  blockParts,
  contractEndpoints,
  contractText,
  skipWithoutContract,
} from './contract-source';

const documented = contractText ? contractEndpoints(contractText) : [];
const additions = additionEndpoints(additionsText);
const key = (e: { method: string; path: string }) => `${e.method} ${e.path}`;

/** Top-level keys of an object schema, or of every option of a union. */
function keysOf(schema: z.ZodType | null | undefined): Set<string> {
  if (!schema) return new Set();
  if (schema instanceof z.ZodObject) return new Set(Object.keys(schema.shape));
  if (schema instanceof z.ZodUnion || schema instanceof z.ZodDiscriminatedUnion) {
    return new Set((schema.options as z.ZodType[]).flatMap((o) => [...keysOf(o)]));
  }
  if (schema instanceof z.ZodOptional) return keysOf(schema.unwrap() as z.ZodType);
  throw new Error(`no keys for ${schema.constructor.name}`);
}

void test(
  'API_CONTRACT §2-§11: every documented endpoint is in ENDPOINTS and vice versa (additions excepted)',
  { skip: skipWithoutContract },
  () => {
    assert.equal(documented.length, 64, 'headings parsed from the contract');
    const registry = new Set(ENDPOINTS.map(key));
    const contract = new Set(documented.map(key));
    assert.deepEqual(
      [...contract].filter((k) => !registry.has(k)),
      [],
      'in the contract, missing from ENDPOINTS',
    );
    assert.deepEqual(
      [...registry].filter((k) => !contract.has(k) && !additions.includes(k)),
      [],
      'in ENDPOINTS, neither in the contract nor in ADDITIONS.md',
    );
  },
);

void test('ARCHITECTURE D5/D6: every addition in ADDITIONS.md is registered and sourced to ADDITIONS.md', () => {
  assert.deepEqual(additions, [
    'POST /api/v1/jobs/:job_id/tests/report',
    'POST /api/v1/admin/accounts/:admin_id/totp',
    'GET /api/v1/admin/audit-events',
    'POST /api/v1/billing/add-on',
    'POST /api/v1/jobs/:job_id/intervention/intervene',
    'POST /api/v1/jobs/:job_id/intervention/continue',
    'POST /api/v1/jobs/:job_id/escalation/decision',
    'POST /api/v1/jobs/:job_id/spec/revise',
    'POST /api/v1/jobs/:job_id/baseline/override',
    'POST /api/v1/jobs/:job_id/timeout-recovery',
  ]);
  for (const k of additions) {
    const e = ENDPOINTS.find((x) => key(x) === k);
    assert.ok(e, k);
    assert.match(e.source, /^ADDITIONS\.md/);
    assert.ok(e.requirementIds.length > 0);
  }
});

void test(
  'each endpoint names the contract section it comes from and at least one requirement ID',
  { skip: skipWithoutContract },
  () => {
    for (const d of documented) {
      const e = ENDPOINTS.find((x) => key(x) === key(d))!;
      assert.equal(e.source, `API_CONTRACT ${d.section}`, key(d));
      for (const id of e.requirementIds)
        assert.match(id, /^V[12]-FR-[A-Z]+-\d{3}[A-Z]?$/, `${e.id}: ${id}`);
      assert.ok(e.requirementIds.length > 0, e.id);
    }
  },
);

/** Response fields added beside the contract's, each recorded in docs/api/ADDITIONS.md. */
const FIELD_ADDITIONS: Record<string, readonly string[]> = {
  'usage.summary Response 200': ['display'],
  'auth.refresh Response 200': ['refresh_token'],
  // D6 request additions (ADDITIONS.md): context upload, session, Fast-Track, pre-authorization.
  'jobs.create Request': [
    'target_files',
    'session_id',
    'fast_track',
    'escalation_preauthorization',
  ],
};

void test(
  'field names: request, query, header and response blocks match the schemas key for key',
  { skip: skipWithoutContract },
  () => {
    let compared = 0;
    for (const d of documented) {
      if (!d.block) continue;
      const e = ENDPOINTS.find((x) => key(x) === key(d)) as Endpoint;
      for (const [part, fields] of blockParts(d.block)) {
        if (part === 'Events handled') continue;
        const label = `${e.id} ${part}`;
        if (part === 'Request')
          assert.deepEqual(
            [...keysOf(e.request.body)].filter((k) => !FIELD_ADDITIONS[label]?.includes(k)).sort(),
            [...fields].sort(),
            label,
          );
        else if (part === 'Query')
          assert.deepEqual([...keysOf(e.request.query)].sort(), [...fields].sort(), label);
        else if (part === 'Headers')
          assert.deepEqual([...keysOf(e.request.headers)].sort(), [...fields].sort(), label);
        else if (part === 'Response')
          assert.ok(e.sse, `${label}: untyped response is the SSE stream`);
        else {
          const status = Number(part.slice('Response '.length));
          assert.ok(status in e.responses, `${label}: status missing`);
          if (status >= 300 && status < 400) continue;
          const schemaKeys = keysOf(e.responses[status]);
          if (status >= 400)
            for (const f of fields)
              assert.ok(schemaKeys.has(f), `${label}: ${f} not in any error body`);
          else
            assert.deepEqual(
              [...schemaKeys].filter((k) => !FIELD_ADDITIONS[label]?.includes(k)).sort(),
              [...fields].sort(),
              label,
            );
        }
        compared++;
      }
    }
    assert.ok(compared > 90, `compared ${compared} blocks`);
  },
);

void test(
  'API_CONTRACT §4 logs stream: every documented SSE event has exactly the documented fields',
  { skip: skipWithoutContract },
  () => {
    const events = [...contractText!.matchAll(/^ {2}data: \{ (.*) \}$/gm)].map((m) => m[1]!);
    assert.equal(events.length, 8);
    const options = new Map(
      (jobEventSchema.options as z.ZodObject[]).map((o) => [
        (o.shape.event as z.ZodLiteral<string>).value,
        Object.keys(o.shape).sort(),
      ]),
    );
    for (const body of events) {
      const name = /event: "([a-z_]+)"/.exec(body)![1]!;
      const fields = [...body.matchAll(/(?:^|, )([a-z_]+):/g)].map((m) => m[1]!).sort();
      assert.deepEqual(options.get(name), fields, name);
    }
    // The only event beyond §4 is the D5 test request.
    assert.deepEqual(
      [...options.keys()].filter((n) => !events.some((b) => b.includes(`"${n}"`))),
      ['test_requested'],
    );
  },
);

void test('§13 invariant 2: every :job_id route can answer JOB_NOT_FOUND and JOB_OWNERSHIP_VIOLATION', () => {
  for (const e of ENDPOINTS.filter((x) => x.path.includes(':job_id'))) {
    assert.ok(
      e.errorCodes.includes('JOB_NOT_FOUND') && e.errorCodes.includes('JOB_OWNERSHIP_VIOLATION'),
      e.id,
    );
    assert.equal(e.auth, 'user', e.id);
  }
});

void test('§6: admin routes use admin auth with the roles of the DB_SCHEMA §19 matrix; only login is open', () => {
  const admin = ENDPOINTS.filter((e) => e.path.startsWith('/api/v1/admin/'));
  assert.equal(admin.length, 16);
  for (const e of admin) assert.equal(e.auth, e.id === 'admin.login' ? 'none' : 'admin', e.id);
  const roles = Object.fromEntries(
    admin.filter((e) => e.adminRoles).map((e) => [e.id, [...e.adminRoles!]]),
  );
  assert.deepEqual(roles['admin.adjustQuota'], ['SUPER_ADMIN', 'SUPPORT']);
  assert.deepEqual(roles['admin.putConfig'], ['SUPER_ADMIN', 'ENGINEER']);
  assert.deepEqual(roles['admin.createAccount'], ['SUPER_ADMIN']);
  for (const e of admin.filter((x) => x.adminRoles))
    assert.ok(e.errorCodes.includes('ROLE_INSUFFICIENT'), e.id);
});

void test('§5/§8 webhooks are signature-authenticated, idempotent acknowledgements without a body', () => {
  const hooks = ENDPOINTS.filter((e) => e.auth === 'webhook').map((e) => [
    e.path,
    e.responses[200],
  ]);
  assert.deepEqual(hooks, [
    ['/api/v1/webhooks/payment', null],
    ['/api/v2/webhooks/github', null],
  ]);
});
