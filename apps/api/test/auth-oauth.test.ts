/**
 * OAuth login for the IDE against a local fake of GitHub's and Google's OAuth servers over real
 * HTTP (issue #5; API_CONTRACT §2; V1-FR-AUTH-002, AGENT.md resolutions 9 and 20, DB_SCHEMA §20
 * invariants 15 and 17).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { errorEnvelopeSchema, oauthInitiateResponseSchema } from '@iama/contracts';
import { generateAuthKeys } from '../src/auth/keys';
import { DEFAULT_REDIRECT_URI, githubProvider, googleProvider } from '../src/auth/oauth-config';
import { createOauthState } from '../src/auth/oauth-state';
import { createTestUser } from './support/auth';
import { createTestApp, type TestApp } from './support/db';
import {
  startFakeOauthProvider,
  type FakeAccount,
  type FakeProvider,
} from './support/fake-oauth-provider';

const CALLBACK = 'http://127.0.0.1:8080/api/v1/auth/oauth/callback';

void describe('OAuth login (V1-FR-AUTH-002)', () => {
  let t: TestApp;
  let fake: FakeProvider;
  const keys = generateAuthKeys();
  let nextId = 1000;
  before(async () => {
    fake = await startFakeOauthProvider('client-id', 'client-secret');
    t = await createTestApp({
      auth: {
        keys,
        rateLimit: { perMinute: 6000, burst: 1000 },
        oauth: {
          callbackUrl: CALLBACK,
          defaultRedirectUri: DEFAULT_REDIRECT_URI,
          stateTtlSeconds: 600,
          providers: {
            GITHUB: githubProvider('client-id', 'client-secret', fake.baseUrl, fake.baseUrl),
            GOOGLE: googleProvider(
              'client-id',
              'client-secret',
              fake.baseUrl,
              fake.baseUrl,
              fake.baseUrl,
            ),
          },
        },
      },
    });
  });
  after(async () => {
    await t.close();
    await fake.close();
  });

  const initiate = async (provider: 'github' | 'google', redirect?: string) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/auth/oauth/${provider}/initiate`,
      query: redirect ? { redirect_uri: redirect } : {},
    });
    assert.equal(res.statusCode, 200, res.body);
    return oauthInitiateResponseSchema.parse(res.json());
  };
  const callback = (code: string, state: string, extra: Record<string, string> = {}) =>
    t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/oauth/callback',
      query: { code, state, ...extra },
    });
  /** Full round trip; returns the deep-link URL. */
  const loginWith = async (provider: 'GITHUB' | 'GOOGLE', account: FakeAccount) => {
    const { state_token } = await initiate(provider === 'GITHUB' ? 'github' : 'google');
    const res = await callback(fake.issueCode(provider, account), state_token);
    assert.equal(res.statusCode, 302, res.body);
    return new URL(String(res.headers.location));
  };
  const account = (over: Partial<FakeAccount> = {}): FakeAccount => ({
    id: String(++nextId),
    email: `oa${nextId}@example.test`,
    verified: true,
    ...over,
  });
  const userIdOf = async (deepLink: URL) => {
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v1/subscription/me',
      headers: { authorization: `Bearer ${deepLink.searchParams.get('token')}` },
    });
    assert.equal(me.statusCode, 200);
    const [, payload] = deepLink.searchParams.get('token')!.split('.');
    return (JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { sub: string }).sub;
  };
  const code = (res: { json(): unknown }) => errorEnvelopeSchema.parse(res.json()).error_code;

  void it('initiate returns the provider authorization URL with our callback and a prefixed state token', async () => {
    const gh = await initiate('github');
    const url = new URL(gh.authorization_url);
    assert.equal(`${url.origin}${url.pathname}`, `${fake.baseUrl}/login/oauth/authorize`);
    assert.equal(url.searchParams.get('client_id'), 'client-id');
    assert.equal(url.searchParams.get('redirect_uri'), CALLBACK);
    assert.equal(url.searchParams.get('state'), gh.state_token);
    assert.ok(gh.state_token.startsWith('gh_'));
    const gg = await initiate('google');
    assert.ok(gg.state_token.startsWith('gg_'));
    assert.equal(new URL(gg.authorization_url).pathname, '/o/oauth2/v2/auth');
  });

  void it('a non-vscode redirect_uri is refused (the token must not reach a web origin)', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/oauth/github/initiate',
      query: { redirect_uri: 'https://evil.example/steal' },
    });
    assert.equal(res.statusCode, 400);
    assert.equal(code(res), 'VALIDATION_FAILED');
  });

  void it('a new GitHub user with a verified email gets an account, a Free tier and a vscode:// hand-off with working tokens', async () => {
    const a = account({ login: 'octo' });
    const link = await loginWith('GITHUB', a);
    assert.equal(`${link.protocol}//${link.host}${link.pathname}`, DEFAULT_REDIRECT_URI);
    assert.ok(link.searchParams.get('refresh_token'));
    assert.equal(link.searchParams.get('expires_in'), '900');
    const userId = await userIdOf(link);
    const user = await t.scratch.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    assert.equal(user.email, a.email);
    assert.equal(user.password_hash, null);
    const oa = await t.scratch.db
      .selectFrom('oauth_accounts')
      .selectAll()
      .where('user_id', '=', userId)
      .execute();
    assert.deepEqual(
      oa.map((r) => [r.provider, r.provider_account_id, r.provider_login, r.provider_email]),
      [['GITHUB', a.id, 'octo', a.email]],
    );
    assert.deepEqual(oa[0]!.scopes, ['read:user', 'user:email']);
    assert.deepEqual(fake.redirectUris.at(-1), CALLBACK);
    const refreshed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refresh_token: link.searchParams.get('refresh_token') },
    });
    assert.equal(refreshed.statusCode, 200);
  });

  void it('collision policy 1: a known (provider, provider_account_id) is the returning user', async () => {
    const a = account();
    const first = await userIdOf(await loginWith('GITHUB', a));
    const second = await userIdOf(
      await loginWith('GITHUB', { ...a, email: 'changed@example.test' }),
    );
    assert.equal(second, first);
    const rows = await t.scratch.db
      .selectFrom('oauth_accounts')
      .select('provider_email')
      .where('provider_account_id', '=', a.id)
      .execute();
    assert.deepEqual(rows, [{ provider_email: 'changed@example.test' }]);
  });

  void it('collision policy 2: a verified provider email matching a password account auto-merges; the password still works', async () => {
    const reg = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email: 'pat@example.test', password: 'pat password 1' },
    });
    const existing = reg.json<{ user_id: string }>().user_id;
    const merged = await userIdOf(
      await loginWith('GOOGLE', account({ email: 'Pat@Example.test', verified: true })),
    );
    assert.equal(merged, existing);
    const links = await t.scratch.db
      .selectFrom('oauth_accounts')
      .select('provider')
      .where('user_id', '=', existing)
      .execute();
    assert.deepEqual(links, [{ provider: 'GOOGLE' }]);
    const audit = await t.scratch.db
      .selectFrom('audit_events')
      .select('event_type')
      .where('actor_id', '=', existing)
      .where('event_type', '=', 'auth.oauth_linked')
      .execute();
    assert.equal(audit.length, 1);
    const pw = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'pat@example.test', password: 'pat password 1' },
    });
    assert.equal(pw.statusCode, 200);
  });

  void it('collision policy 3: an unverified provider email never merges — a separate account, without that email', async () => {
    const victim = await createTestUser(t.scratch.db, {
      email: 'victim@example.test',
      password: 'victim password',
    });
    const a = account({ email: 'victim@example.test', verified: false });
    const other = await userIdOf(await loginWith('GITHUB', a));
    assert.notEqual(other, victim.userId);
    const created = await t.scratch.db
      .selectFrom('users')
      .select('email')
      .where('id', '=', other)
      .executeTakeFirstOrThrow();
    assert.equal(created.email, `github-${a.id}@oauth.iama.invalid`);
    const victimLinks = await t.scratch.db
      .selectFrom('oauth_accounts')
      .select('id')
      .where('user_id', '=', victim.userId)
      .execute();
    assert.equal(victimLinks.length, 0);
    // Unverified but unused address: still not adopted as the account email.
    const b = account({ verified: false });
    const bId = await userIdOf(await loginWith('GOOGLE', b));
    const bUser = await t.scratch.db
      .selectFrom('users')
      .select('email')
      .where('id', '=', bId)
      .executeTakeFirstOrThrow();
    assert.equal(bUser.email, `google-${b.id}@oauth.iama.invalid`);
  });

  void it('collision policy 4: an absent provider email creates a new account', async () => {
    const before = await t.scratch.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    await loginWith('GITHUB', account({ email: null, verified: false }));
    const after = await t.scratch.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(after.n), Number(before.n) + 1);
  });

  void it('the IDE redirect of initiate is honoured, and provider-appended query parameters are accepted', async () => {
    const { state_token } = await initiate('google', 'vscode-insiders://iama.extension/auth');
    const res = await callback(fake.issueCode('GOOGLE', account()), state_token, {
      scope: 'openid email',
      authuser: '0',
      prompt: 'consent',
    });
    assert.equal(res.statusCode, 302);
    const link = new URL(String(res.headers.location));
    assert.equal(link.protocol, 'vscode-insiders:');
    assert.equal(link.searchParams.get('state'), state_token);
  });

  void it('bad state: forged, wrong prefix, foreign key, expired and reused states are refused before the provider is called', async () => {
    const calls = fake.redirectUris.length;
    const { state_token } = await initiate('github');
    const expired = await createOauthState(keys, 'GITHUB', DEFAULT_REDIRECT_URI, -10);
    const foreign = await createOauthState(generateAuthKeys(), 'GITHUB', DEFAULT_REDIRECT_URI, 600);
    const bad = [
      'nonsense',
      `gh_${'a'.repeat(40)}`,
      `gg_${state_token.slice(3)}`,
      expired,
      foreign,
    ];
    for (const state of bad) {
      const res = await callback('any-code', state);
      assert.equal(res.statusCode, 401, state.slice(0, 12));
      assert.equal(code(res), 'INVALID_CREDENTIALS');
    }
    assert.equal(fake.redirectUris.length, calls, 'no code exchange for a bad state');
    const ok = await callback(fake.issueCode('GITHUB', account()), state_token);
    assert.equal(ok.statusCode, 302);
    const replay = await callback(fake.issueCode('GITHUB', account()), state_token);
    assert.equal(replay.statusCode, 401);
    assert.equal(code(replay), 'INVALID_CREDENTIALS');
  });

  void it('a code the provider refuses, and a missing code, answer with the error envelope', async () => {
    const { state_token } = await initiate('github');
    const refused = await callback('never-issued', state_token);
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.json<{ detail: { stage: string } }>().detail.stage, 'token');
    const g = await initiate('google');
    const refusedGoogle = await callback('never-issued', g.state_token);
    assert.equal(refusedGoogle.statusCode, 401);
    const missing = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/oauth/callback',
      query: { state: g.state_token },
    });
    assert.equal(missing.statusCode, 400);
    assert.equal(code(missing), 'VALIDATION_FAILED');
  });
});

void describe('OAuth provider not configured (V1-FR-AUTH-002)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({
      auth: {
        oauth: {
          callbackUrl: CALLBACK,
          defaultRedirectUri: DEFAULT_REDIRECT_URI,
          stateTtlSeconds: 600,
          providers: {},
        },
      },
    });
  });
  after(() => t.close());

  void it('initiate and a (validly signed) callback answer NOT_FOUND instead of calling anyone', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/auth/oauth/google/initiate' });
    assert.equal(res.statusCode, 404);
    assert.equal(errorEnvelopeSchema.parse(res.json()).error_code, 'NOT_FOUND');
    const state = await createOauthState(
      t.app.authConfig.keys,
      'GOOGLE',
      DEFAULT_REDIRECT_URI,
      600,
    );
    const cb = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/oauth/callback',
      query: { code: 'c', state },
    });
    assert.equal(cb.statusCode, 404);
  });
});
