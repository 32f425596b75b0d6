/**
 * The auth hook (issue #5; V1-FR-AUTH-003): RS256 bearer tokens from the one key source,
 * 401 with the §12 envelope for a missing, forged, foreign-key or expired token, and closed by
 * default for `/api/` routes the registry does not know.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import {
  signAccessToken,
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
} from '../src/auth/access-token';
import { authKeys, generateAuthKeys } from '../src/auth/keys';
import { requireUser } from '../src/plugins/auth';
import { createTestUser } from './support/auth';
import { createTestApp, type TestApp } from './support/db';

void describe('auth plugin (V1-FR-AUTH-003)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    t.app.get('/api/v1/__whoami', async (req) => {
      const u = requireUser(req);
      return { user_id: u.userId, email: u.email, tier: u.tier };
    });
    t.app.get('/api/v1/__open', { config: { auth: 'none' } }, async (req) => ({
      identity: req.identity,
    }));
  });
  after(() => t.close());

  const call = (authorization?: string) =>
    t.app.inject({
      method: 'GET',
      url: '/api/v1/__whoami',
      headers: authorization ? { authorization } : {},
    });

  void it('V1-FR-AUTH-003: a token from the key source identifies the user and the tier from subscription_tiers', async () => {
    const u = await createTestUser(t.scratch.db, { tier: 'PRO' });
    const res = await call(u.headers.authorization);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { user_id: u.userId, email: u.email, tier: 'PRO' });
  });

  void it('V1-FR-AUTH-003: missing, malformed, forged, foreign-key and expired tokens answer 401', async () => {
    const u = await createTestUser(t.scratch.db);
    const foreign = await signAccessToken(generateAuthKeys(), { userId: u.userId, email: u.email });
    const [h, p] = u.accessToken.split('.');
    const tampered = `${h}.${p}.${Buffer.from('forged').toString('base64url')}`;
    const expired = await new SignJWT({ email: u.email })
      .setProtectedHeader({ alg: 'RS256', kid: authKeys().keyId })
      .setSubject(u.userId)
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(authKeys().privateKey);
    const hs256 = await new SignJWT({ email: u.email })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(u.userId)
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('x'.repeat(32)));
    const cases: [string | undefined, string][] = [
      [undefined, 'INVALID_CREDENTIALS'],
      ['Basic abc', 'INVALID_CREDENTIALS'],
      ['Bearer not-a-jwt', 'INVALID_CREDENTIALS'],
      [`Bearer ${tampered}`, 'INVALID_CREDENTIALS'],
      [`Bearer ${foreign}`, 'INVALID_CREDENTIALS'],
      [`Bearer ${hs256}`, 'INVALID_CREDENTIALS'],
      [`Bearer ${expired}`, 'TOKEN_EXPIRED'],
    ];
    for (const [header, code] of cases) {
      const res = await call(header);
      assert.equal(res.statusCode, 401, String(header));
      assert.equal(res.json<{ error_code: string }>().error_code, code, String(header));
      assert.equal(res.headers['www-authenticate'], 'Bearer');
    }
  });

  void it('V1-FR-AUTH-003: a deleted user’s token stops working', async () => {
    const u = await createTestUser(t.scratch.db);
    await t.scratch.db
      .updateTable('users')
      .set({ deleted_at: new Date() })
      .where('id', '=', u.userId)
      .execute();
    const res = await call(u.headers.authorization);
    assert.equal(res.statusCode, 401);
  });

  void it('routes marked public skip authentication; unknown routes stay 404', async () => {
    const open = await t.app.inject({ method: 'GET', url: '/api/v1/__open' });
    assert.equal(open.statusCode, 200);
    assert.deepEqual(open.json(), { identity: null });
    const missing = await t.app.inject({ method: 'GET', url: '/api/v1/nowhere' });
    assert.equal(missing.statusCode, 404);
  });
});

void describe('per-tier rate limits on authenticated routes (PRD V1 §16 item 6)', () => {
  let t: TestApp;
  const slow = (burst: number) => ({ perMinute: 1 / 1440, burst });
  before(async () => {
    t = await createTestApp({
      auth: {
        tierRateLimits: {
          FREE: slow(2),
          PLUS: slow(3),
          PRO: slow(4),
          MAX: slow(5),
          ENTERPRISE: slow(6),
        },
      },
    });
  });
  after(() => t.close());

  void it('each user has a bucket sized by their tier; over it the answer is 429 RATE_LIMITED with retry metadata', async () => {
    const free = await createTestUser(t.scratch.db, { tier: 'FREE' });
    const free2 = await createTestUser(t.scratch.db, { tier: 'FREE' });
    const pro = await createTestUser(t.scratch.db, { tier: 'PRO' });
    const me = (headers: { authorization: string }) =>
      t.app.inject({ method: 'GET', url: '/api/v1/subscription/me', headers });
    const statuses = async (u: { headers: { authorization: string } }, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i += 1) out.push((await me(u.headers)).statusCode);
      return out;
    };
    assert.deepEqual(await statuses(free, 3), [200, 200, 429]);
    assert.deepEqual(
      await statuses(free2, 1),
      [200],
      'another user of the same tier has their own bucket',
    );
    assert.deepEqual(await statuses(pro, 5), [200, 200, 200, 200, 429]);
    const limited = await me(free.headers);
    const body = limited.json<{ error_code: string; retry_after: string; reset_at: string }>();
    assert.equal(body.error_code, 'RATE_LIMITED');
    assert.ok(Date.parse(body.retry_after) > Date.now());
    assert.equal(limited.headers['ratelimit-limit'], '2');
    assert.ok(Number(limited.headers['retry-after']) > 0);
    // Anonymous requests are refused before they can use anybody's bucket.
    assert.equal(
      (await t.app.inject({ method: 'GET', url: '/api/v1/subscription/me' })).statusCode,
      401,
    );
  });
});
