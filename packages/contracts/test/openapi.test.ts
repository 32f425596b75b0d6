/**
 * @module The generated OpenAPI 3.1 document (docs/api/openapi.json): valid shape, every route
 * of ENDPOINTS present, every `$ref` resolvable, and the committed file equal to a fresh render
 * (the same check `npm run openapi:check` makes in CI).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildOpenApiDocument, ENDPOINTS, ERROR_CATALOGUE } from '@iama/contracts';
import { OPENAPI_PATH, renderOpenApi } from '../scripts/openapi';

type Obj = Record<string, unknown>;
const doc = buildOpenApiDocument() as unknown as Obj & {
  paths: Record<string, Record<string, Obj>>;
  components: { schemas: Obj; securitySchemes: Obj };
};
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function* refs(node: unknown): Generator<string> {
  if (Array.isArray(node)) for (const n of node) yield* refs(n);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') yield v;
      else yield* refs(v);
    }
  }
}

void test('OpenAPI: 3.1.0 with info, paths, component schemas and the three auth kinds', () => {
  assert.equal(doc.openapi, '3.1.0');
  assert.equal((doc.info as Obj).title, 'IAMA API');
  assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), [
    'adminSession',
    'githubWebhookSignature',
    'paymentWebhookSignature',
    'userBearer',
  ]);
  assert.ok(Object.keys(doc.components.schemas).length > 100);
});

void test('OpenAPI: every ENDPOINTS route is one operation with its id, security and responses', () => {
  let operations = 0;
  for (const e of ENDPOINTS) {
    const path = e.path.replace(/:([a-z_]+)/g, '{$1}');
    const op = doc.paths[path]?.[e.method.toLowerCase()];
    assert.ok(op, `${e.method} ${path}`);
    assert.equal(op.operationId, e.id);
    assert.deepEqual(
      Object.keys(op.responses as Obj).map(Number),
      Object.keys(e.responses)
        .map(Number)
        .sort((a, b) => a - b),
      e.id,
    );
    const pathParams = [...path.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]);
    const declared = (op.parameters as Obj[]).filter((p) => p.in === 'path').map((p) => p.name);
    assert.deepEqual(declared, pathParams, `${e.id} path parameters`);
    const scheme = {
      none: null,
      user: 'userBearer',
      admin: 'adminSession',
      webhook: e.path.includes('github') ? 'githubWebhookSignature' : 'paymentWebhookSignature',
    }[e.auth];
    assert.deepEqual(op.security, scheme ? [{ [scheme]: [] }] : [], e.id);
    operations++;
  }
  const total = Object.values(doc.paths).reduce(
    (n, p) => n + Object.keys(p).filter((m) => METHODS.includes(m)).length,
    0,
  );
  assert.equal(total, operations);
  assert.equal(new Set(ENDPOINTS.map((e) => e.id)).size, ENDPOINTS.length, 'operationIds unique');
});

void test('OpenAPI: every $ref resolves to a component', () => {
  const all = [...refs(doc)];
  assert.ok(all.length > 200);
  for (const ref of new Set(all)) {
    assert.match(ref, /^#\/components\/schemas\/[A-Za-z0-9._-]+$/);
    assert.ok(ref.slice('#/components/schemas/'.length) in doc.components.schemas, ref);
  }
});

void test('OpenAPI, §12: error responses reference one component per code, with the catalogue status', () => {
  for (const e of ENDPOINTS) {
    const op = doc.paths[e.path.replace(/:([a-z_]+)/g, '{$1}')]![e.method.toLowerCase()]!;
    for (const code of e.errorCodes) {
      const status = String(ERROR_CATALOGUE[code].httpStatus);
      const res = (op.responses as Record<string, Obj>)[status];
      assert.ok(res, `${e.id} ${code} -> ${status}`);
      assert.ok(JSON.stringify(res).includes(`#/components/schemas/`), `${e.id} ${status}`);
    }
  }
  const forbidden = doc.components.schemas.JobOwnershipViolationError as { required: string[] };
  assert.ok(forbidden.required.includes('denial_reason'), '§13 invariant 4');
  const limited = doc.components.schemas.RateLimitedError as { required: string[] };
  assert.ok(limited.required.includes('retry_after'), 'ARCHITECTURE §5');
});

void test('OpenAPI: the log stream is text/event-stream of JobEvent; 204/302 have no body', () => {
  const logs = doc.paths['/api/v1/jobs/{job_id}/logs']!.get!.responses as Record<string, Obj>;
  assert.deepEqual(logs['200']!.content, {
    'text/event-stream': { schema: { $ref: '#/components/schemas/JobEvent' } },
  });
  const logout = doc.paths['/api/v1/auth/logout']!.post!.responses as Record<string, Obj>;
  assert.deepEqual(logout['204'], { description: 'No Content' });
  const callback = doc.paths['/api/v1/auth/oauth/callback']!.get!.responses as Record<string, Obj>;
  assert.ok((callback['302']!.headers as Obj).Location);
});

void test('docs/api/openapi.json is the committed render of ENDPOINTS (npm run openapi)', () => {
  const committed = readFileSync(OPENAPI_PATH, 'utf8');
  assert.equal(committed, renderOpenApi(), 'stale: run npm run openapi');
  assert.equal(renderOpenApi(), renderOpenApi(), 'rendering is deterministic');
});
