/**
 * Closed by default (issue #5; API_CONTRACT §1 "Bearer JWT for all protected endpoints", §12;
 * V1-FR-AUTH-003): walks `ENDPOINTS` and proves every registered `user` and `admin` route
 * answers 401 in the §12 envelope without a token, with a forged one and with a token from
 * another key — whatever else the route would do.
 */
import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { HTTPMethods } from 'fastify';
import { ENDPOINTS, errorEnvelopeSchema } from '@iama/contracts';
import { signAccessToken } from '../src/auth/access-token';
import { generateAuthKeys } from '../src/auth/keys';
import { createTestApp, type TestApp } from './support/db';

const concrete = (path: string) => path.replace(/:[a-z_]+/g, () => randomUUID());

void describe('every protected route refuses anonymous callers (V1-FR-AUTH-003)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await t.app.ready();
  });
  after(() => t.close());

  void it('user and admin routes of ENDPOINTS answer 401 without a token, with a malformed one and with a foreign-key token', async (ctx) => {
    const foreign = await signAccessToken(generateAuthKeys(), {
      userId: randomUUID(),
      email: 'x@example.test',
    });
    const protectedRoutes = ENDPOINTS.filter((e) => e.auth === 'user' || e.auth === 'admin');
    const registered = protectedRoutes.filter((e) =>
      t.app.hasRoute({ method: e.method as HTTPMethods, url: e.path }),
    );
    for (const e of registered) {
      for (const authorization of [undefined, 'Bearer not.a.token', `Bearer ${foreign}`]) {
        const res = await t.app.inject({
          method: e.method,
          url: concrete(e.path),
          headers: {
            'content-type': 'application/json',
            ...(authorization ? { authorization } : {}),
          },
          payload: e.method === 'GET' || e.method === 'DELETE' ? undefined : '{}',
        });
        assert.equal(
          res.statusCode,
          401,
          `${e.method} ${e.path} with ${authorization?.slice(0, 16) ?? 'no token'}: ${res.body}`,
        );
        const body = errorEnvelopeSchema.parse(res.json());
        assert.ok(
          ['INVALID_CREDENTIALS', 'TOKEN_EXPIRED'].includes(body.error_code),
          `${e.method} ${e.path}`,
        );
      }
    }
    // The walk is only meaningful if it covered the routes implemented so far (auth, subscription at least).
    const covered = new Set(registered.map((e) => e.id));
    for (const id of ['auth.logout', 'subscription.me'])
      assert.ok(covered.has(id), `${id} registered`);
    const missing = protectedRoutes
      .filter((e) => !covered.has(e.id))
      .map((e) => `${e.method} ${e.path}`);
    ctx.diagnostic(
      `${registered.length} protected routes registered and refused anonymously; ${missing.length} not implemented yet (404)`,
    );
    // Not yet implemented routes answer 404, never 200 (nothing is open by accident).
    for (const m of missing) {
      const [method, path] = m.split(' ') as [HTTPMethods, string];
      const res = await t.app.inject({ method, url: concrete(path) });
      assert.equal(res.statusCode, 404, m);
    }
  });

  void it('public auth routes stay reachable without a token (they answer their own validation errors, not 401)', async () => {
    for (const id of ['auth.register', 'auth.login', 'auth.refresh']) {
      const e = ENDPOINTS.find((x) => x.id === id)!;
      const res = await t.app.inject({ method: e.method, url: e.path, payload: {} });
      assert.equal(res.statusCode, 400, id);
    }
  });
});
