/**
 * Email/password identity through the real API and PostgreSQL (issue #5; API_CONTRACT §2;
 * V1-FR-AUTH-001, V1-FR-AUTH-003, V1-FR-AUTH-004, V1-FR-SEC-001; PRD V1 §16 item 6).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  errorEnvelopeSchema,
  loginResponseSchema,
  refreshResponseSchema,
  registerResponseSchema,
} from '@iama/contracts';
import { generateAuthKeys } from '../src/auth/keys';
import { createTestApp, type TestApp } from './support/db';

type Json = Record<string, unknown>;

void describe('auth: register, login, refresh, logout (V1-FR-AUTH-001, V1-FR-AUTH-004)', () => {
  let t: TestApp;
  const keys = generateAuthKeys();
  before(async () => {
    // Short access tokens so "refresh at expiry" happens inside the test; generous limits so
    // only the rate-limit test (from its own address) meets one.
    t = await createTestApp({
      auth: { keys, accessTtlSeconds: 1, rateLimit: { perMinute: 6000, burst: 1000 } },
    });
  });
  after(() => t.close());

  const post = (
    url: string,
    payload: Json,
    headers: Record<string, string> = {},
    remoteAddress?: string,
  ) =>
    t.app.inject({
      method: 'POST',
      url,
      payload,
      headers,
      ...(remoteAddress ? { remoteAddress } : {}),
    });
  const register = (email: string, password = 'correct horse battery') =>
    post('/api/v1/auth/register', { email, password });
  const login = (email: string, password = 'correct horse battery', remoteAddress?: string) =>
    post('/api/v1/auth/login', { email, password }, {}, remoteAddress);
  const me = (token: string) =>
    t.app.inject({
      method: 'GET',
      url: '/api/v1/subscription/me',
      headers: { authorization: `Bearer ${token}` },
    });
  const code = (res: { json(): unknown }) => errorEnvelopeSchema.parse(res.json()).error_code;

  void it('V1-FR-AUTH-001: register creates the user, an argon2id hash, a Free entitlement row and an audit row', async () => {
    const res = await register('Alice@Example.test');
    assert.equal(res.statusCode, 201);
    const body = registerResponseSchema.parse(res.json());
    assert.equal(body.email, 'alice@example.test');
    const user = await t.scratch.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', body.user_id)
      .executeTakeFirstOrThrow();
    assert.match(user.password_hash ?? '', /^\$argon2id\$/);
    assert.ok(!user.password_hash?.includes('correct horse'));
    const tiers = await t.scratch.db
      .selectFrom('subscription_tiers')
      .selectAll()
      .where('user_id', '=', body.user_id)
      .execute();
    assert.deepEqual(
      tiers.map((r) => [r.tier, r.status, r.context_cap, r.operating_mode]),
      [['FREE', 'ACTIVE', 128000, 'SIMPLE']],
    );
    const audit = await t.scratch.db
      .selectFrom('audit_events')
      .select('event_type')
      .where('actor_id', '=', body.user_id)
      .execute();
    assert.deepEqual(
      audit.map((a) => a.event_type),
      ['auth.register'],
    );
  });

  void it('V1-FR-AUTH-001: duplicate email (any case), invalid email and weak password are refused and write nothing', async () => {
    await register('dup@example.test');
    const before = await t.scratch.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const dup = await register('DUP@example.test');
    assert.equal(dup.statusCode, 409);
    assert.equal(code(dup), 'EMAIL_ALREADY_EXISTS');
    const badEmail = await register('not-an-email');
    assert.equal(badEmail.statusCode, 400);
    assert.equal(code(badEmail), 'INVALID_EMAIL');
    const weak = await register('weak@example.test', 'short');
    assert.equal(weak.statusCode, 400);
    assert.equal(code(weak), 'WEAK_PASSWORD');
    const extra = await post('/api/v1/auth/register', {
      email: 'x@example.test',
      password: 'long enough pw',
      tier: 'MAX',
    });
    assert.equal(extra.statusCode, 400);
    const after = await t.scratch.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(after.n, before.n);
  });

  void it('V1-FR-AUTH-001/003: login returns an RS256 access token the protected routes accept', async () => {
    await register('bob@example.test');
    const res = await login('BOB@example.test');
    assert.equal(res.statusCode, 200);
    const body = loginResponseSchema.parse(res.json());
    assert.equal(body.expires_in, 1);
    const [header] = body.access_token.split('.');
    assert.deepEqual(JSON.parse(Buffer.from(header!, 'base64url').toString()), {
      alg: 'RS256',
      typ: 'JWT',
      kid: keys.keyId,
    });
    const sub = await me(body.access_token);
    assert.equal(sub.statusCode, 200);
    assert.equal(sub.json<Json>().tier, 'FREE');
    const stored = await t.scratch.db.selectFrom('refresh_tokens').select('token_hash').execute();
    assert.ok(
      stored.every((r) => r.token_hash !== body.refresh_token),
      'only the hash of a refresh token is stored',
    );
  });

  void it('V1-FR-AUTH-001: wrong password, unknown email and OAuth-only account all answer INVALID_CREDENTIALS', async () => {
    await register('carol@example.test');
    const wrong = await login('carol@example.test', 'not the password');
    const unknown = await login('nobody@example.test');
    await t.scratch.db
      .insertInto('users')
      .values({ email: 'oauth-only@example.test', password_hash: null })
      .execute();
    const oauthOnly = await login('oauth-only@example.test');
    for (const res of [wrong, unknown, oauthOnly]) {
      assert.equal(res.statusCode, 401);
      assert.equal(code(res), 'INVALID_CREDENTIALS');
    }
    assert.deepEqual(
      wrong.json(),
      unknown.json(),
      'the answer does not tell an unknown email from a wrong password',
    );
  });

  void it('V1-FR-AUTH-004: an expired access token answers TOKEN_EXPIRED; refresh at expiry restores access and rotates the refresh token', async () => {
    await register('dave@example.test');
    const first = loginResponseSchema.parse((await login('dave@example.test')).json());
    // Wait for the 1-second token to expire (correctness, not timing: the assertion is the status).
    await new Promise((r) => setTimeout(r, 2100));
    const expired = await me(first.access_token);
    assert.equal(expired.statusCode, 401);
    assert.equal(code(expired), 'TOKEN_EXPIRED');
    const refreshed = await post('/api/v1/auth/refresh', { refresh_token: first.refresh_token });
    assert.equal(refreshed.statusCode, 200);
    const body = refreshResponseSchema.parse(refreshed.json());
    assert.notEqual(body.refresh_token, first.refresh_token);
    assert.equal((await me(body.access_token)).statusCode, 200);
    const next = await post('/api/v1/auth/refresh', { refresh_token: body.refresh_token });
    assert.equal(next.statusCode, 200);
  });

  void it('V1-FR-AUTH-004: replaying a rotated refresh token revokes the whole family (reuse detection)', async () => {
    await register('erin@example.test');
    const s = loginResponseSchema.parse((await login('erin@example.test')).json());
    const r1 = refreshResponseSchema.parse(
      (await post('/api/v1/auth/refresh', { refresh_token: s.refresh_token })).json(),
    );
    const replay = await post('/api/v1/auth/refresh', { refresh_token: s.refresh_token });
    assert.equal(replay.statusCode, 401);
    assert.equal(code(replay), 'REFRESH_TOKEN_INVALID');
    // The legitimate successor is dead too: the thief and the owner both have to log in again.
    const successor = await post('/api/v1/auth/refresh', { refresh_token: r1.refresh_token });
    assert.equal(successor.statusCode, 401);
    assert.equal(code(successor), 'REFRESH_TOKEN_INVALID');
    const live = await t.scratch.db
      .selectFrom('refresh_tokens as r')
      .innerJoin('users as u', 'u.id', 'r.user_id')
      .select('r.id')
      .where('u.email', '=', 'erin@example.test')
      .where('r.revoked_at', 'is', null)
      .execute();
    assert.equal(live.length, 0);
    // Each presentation of a revoked token is recorded; the first one revoked the live successor.
    const reuse = await t.scratch.db
      .selectFrom('audit_events')
      .select('metadata')
      .where('event_type', '=', 'auth.refresh_token_reuse')
      .orderBy('created_at')
      .execute();
    assert.deepEqual(
      reuse.map((r) => (r.metadata as Json).tokens_revoked),
      [1, 0],
    );
    // A fresh login opens a new family that works.
    const again = loginResponseSchema.parse((await login('erin@example.test')).json());
    assert.equal(
      (await post('/api/v1/auth/refresh', { refresh_token: again.refresh_token })).statusCode,
      200,
    );
  });

  void it('V1-FR-AUTH-004: concurrent refreshes of one token never yield two live successors', async () => {
    await register('kim@example.test');
    const s = loginResponseSchema.parse((await login('kim@example.test')).json());
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        post('/api/v1/auth/refresh', { refresh_token: s.refresh_token }),
      ),
    );
    const ok = answers.filter((r) => r.statusCode === 200);
    assert.equal(ok.length, 1, 'the first refresh to lock the row wins');
    assert.equal(answers.filter((r) => r.statusCode === 401).length, answers.length - ok.length);
    // The losers presented a revoked token: the family is revoked, so no successor stays usable.
    const live = await t.scratch.db
      .selectFrom('refresh_tokens as r')
      .innerJoin('users as u', 'u.id', 'r.user_id')
      .select('r.id')
      .where('u.email', '=', 'kim@example.test')
      .where('r.revoked_at', 'is', null)
      .execute();
    assert.equal(live.length, 0);
  });

  void it('V1-FR-AUTH-004: unknown, expired and empty refresh tokens are refused', async () => {
    const unknown = await post('/api/v1/auth/refresh', { refresh_token: 'no-such-token' });
    assert.equal(code(unknown), 'REFRESH_TOKEN_INVALID');
    await register('frank@example.test');
    const s = loginResponseSchema.parse((await login('frank@example.test')).json());
    await t.scratch.db
      .updateTable('refresh_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('revoked_at', 'is', null)
      .execute();
    const expired = await post('/api/v1/auth/refresh', { refresh_token: s.refresh_token });
    assert.equal(expired.statusCode, 401);
    assert.equal(code(expired), 'REFRESH_TOKEN_EXPIRED');
    const empty = await post('/api/v1/auth/refresh', {});
    assert.equal(empty.statusCode, 400);
  });

  void it('V1-FR-AUTH-001: logout needs the access token, revokes the session, and cannot touch another user’s session', async () => {
    await register('gina@example.test');
    await register('hank@example.test');
    const g = loginResponseSchema.parse((await login('gina@example.test')).json());
    const h = loginResponseSchema.parse((await login('hank@example.test')).json());
    const anonymous = await post('/api/v1/auth/logout', { refresh_token: g.refresh_token });
    assert.equal(anonymous.statusCode, 401);
    // Hank presents Gina's refresh token: 204, but nothing is revoked.
    const h2 = refreshResponseSchema.parse(
      (await post('/api/v1/auth/refresh', { refresh_token: h.refresh_token })).json(),
    );
    const foreign = await post(
      '/api/v1/auth/logout',
      { refresh_token: g.refresh_token },
      { authorization: `Bearer ${h2.access_token}` },
    );
    assert.equal(foreign.statusCode, 204);
    const g2 = refreshResponseSchema.parse(
      (await post('/api/v1/auth/refresh', { refresh_token: g.refresh_token })).json(),
    );
    const out = await post(
      '/api/v1/auth/logout',
      { refresh_token: g2.refresh_token },
      { authorization: `Bearer ${g2.access_token}` },
    );
    assert.equal(out.statusCode, 204);
    assert.equal(out.body, '');
    const after = await post('/api/v1/auth/refresh', { refresh_token: g2.refresh_token });
    assert.equal(after.statusCode, 401);
  });

  void it('V1-FR-SEC-001: a login from a new address records a suspicious-login notification; a known address does not', async () => {
    await register('ivy@example.test');
    assert.equal((await login('ivy@example.test', undefined, '10.0.0.1')).statusCode, 200);
    assert.equal((await login('ivy@example.test', undefined, '10.0.0.1')).statusCode, 200);
    const user = await t.scratch.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'ivy@example.test')
      .executeTakeFirstOrThrow();
    const events = () =>
      t.scratch.db
        .selectFrom('audit_events')
        .select(['metadata', 'ip_address'])
        .where('actor_id', '=', user.id)
        .where('event_type', '=', 'auth.suspicious_login')
        .execute();
    assert.equal((await events()).length, 0, 'first login and a known address are not suspicious');
    assert.equal((await login('ivy@example.test', undefined, '203.0.113.9')).statusCode, 200);
    const recorded = await events();
    assert.equal(recorded.length, 1);
    assert.equal(recorded[0]!.ip_address, '203.0.113.9');
    assert.deepEqual((recorded[0]!.metadata as Json).reasons, ['NEW_ADDRESS']);
    assert.equal((recorded[0]!.metadata as Json).channel, 'EMAIL');
  });

  void it('V1-FR-SEC-001: a success after a burst of failed attempts is suspicious', async () => {
    await register('jay@example.test');
    assert.equal((await login('jay@example.test', undefined, '10.0.0.2')).statusCode, 200);
    for (let i = 0; i < 5; i += 1)
      assert.equal((await login('jay@example.test', 'wrong password', '10.0.0.2')).statusCode, 401);
    assert.equal((await login('jay@example.test', undefined, '10.0.0.2')).statusCode, 200);
    const user = await t.scratch.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'jay@example.test')
      .executeTakeFirstOrThrow();
    const rows = await t.scratch.db
      .selectFrom('audit_events')
      .select('metadata')
      .where('actor_id', '=', user.id)
      .where('event_type', '=', 'auth.suspicious_login')
      .execute();
    assert.deepEqual(
      rows.map((r) => (r.metadata as Json).reasons),
      [['AFTER_FAILED_ATTEMPTS']],
    );
  });
});

void describe('auth rate limits (PRD V1 §16 item 6)', () => {
  let t: TestApp;
  before(async () => {
    // A bucket of 3 that refills once a day: within a test, the 4th request is over the limit, deterministically.
    t = await createTestApp({ auth: { rateLimit: { perMinute: 1 / 1440, burst: 3 } } });
  });
  after(() => t.close());

  void it('the 4th login from one address is 429 RATE_LIMITED with retry metadata and headers; another address is unaffected', async () => {
    const attempt = (remoteAddress: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'x@example.test', password: 'whatever' },
        remoteAddress,
      });
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await attempt('198.51.100.7'));
    assert.deepEqual(
      answers.map((r) => r.statusCode),
      [401, 401, 401, 429],
    );
    assert.deepEqual(
      answers.map((r) => r.headers['ratelimit-remaining']),
      ['2', '1', '0', '0'],
    );
    const limited = answers[3]!;
    const body = errorEnvelopeSchema.parse(limited.json());
    assert.equal(body.error_code, 'RATE_LIMITED');
    assert.ok(Date.parse(String(limited.json<Json>().retry_after)) > Date.now());
    assert.equal(limited.json<Json>().reset_at, limited.json<Json>().retry_after);
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.equal(limited.headers['ratelimit-limit'], '3');
    assert.equal((await attempt('198.51.100.8')).statusCode, 401);
    // Other auth routes have their own bucket.
    const reg = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email: 'rl@example.test', password: 'long enough pw' },
      remoteAddress: '198.51.100.7',
    });
    assert.equal(reg.statusCode, 201);
  });
});
