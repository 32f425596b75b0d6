/**
 * The operator API against real PostgreSQL through `app.inject` (issue #5; API_CONTRACT §6,
 * DB_SCHEMA §19; V1-FR-OPS-001..004, V1-FR-OBS-001): login with password + TOTP, sessions,
 * account management, every admin endpoint × each role × a product user, config validation and
 * masking, kill switches, quota adjustments in the ledger, user 360, health, audit rows.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { connectClient } from '@iama/db';
import { requireTestStack } from '@iama/devstack';
import { generateTotpSecret, totpAt } from '../src/admin/totp';
import { hashAdminToken } from '../src/admin/sessions';
import { activeKillSwitch } from '../src/admin/kill-switch';
import { ADMIN_PERMISSIONS, can, type AdminPermission } from '../src/admin/rbac';
import { createTestUser, type TestUser } from './support/auth';
import { createTestApp, type TestApp } from './support/db';

type Role = 'SUPER_ADMIN' | 'ENGINEER' | 'SUPPORT';
type Admin = {
  id: string;
  email: string;
  password: string;
  secret: string;
  token: string;
  headers: { authorization: string };
};
type Body = Record<string, unknown>;

const ROUTE = {
  model_id: 'openai/gpt-4o-mini',
  api_base_url: 'http://127.0.0.1:4000',
  api_key_ref: 'secrets/litellm/openai_api_key',
  output_token_limit: 30000,
  enabled: true,
};

void describe('operator API (issue #5; API_CONTRACT §6, DB_SCHEMA §19)', () => {
  const env = requireTestStack();
  let t: TestApp;
  let nowMs = Date.now();
  const rootSecret = generateTotpSecret();
  const totpKey = randomBytes(32);
  const root = {
    email: 'root@ops.example.test',
    password: 'bootstrap-password-0001',
    totpSecret: rootSecret,
  };
  const admins = {} as Record<Role, Admin>;
  let user: TestUser;
  let proUser: TestUser;

  const inject = (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    headers: Record<string, string> = {},
    payload?: Body,
  ) => t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
  const json = <T = Body>(res: LightMyRequestResponse) => res.json<T>();
  /** Every login uses a fresh 30 s step: a TOTP code is accepted once. */
  const login = (email: string, password: string, secret: string | null, otp?: string) => {
    nowMs += 30_000;
    const code = otp ?? (secret ? totpAt(secret, nowMs) : undefined);
    return inject('POST', '/api/v1/admin/auth/login', code ? { 'x-iama-otp': code } : {}, {
      email,
      password,
    });
  };
  const auditRows = (eventType: string) =>
    t.scratch.db
      .selectFrom('audit_events')
      .selectAll()
      .where('event_type', '=', eventType)
      .orderBy('created_at')
      .execute();

  async function provision(role: 'ENGINEER' | 'SUPPORT'): Promise<Admin> {
    const email = `${role.toLowerCase()}@ops.example.test`;
    const initial = `initial-${role}-password`;
    const created = await inject('POST', '/api/v1/admin/accounts', admins.SUPER_ADMIN.headers, {
      email,
      password: initial,
      role,
    });
    assert.equal(created.statusCode, 201, created.body);
    const id = json<{ admin_id: string }>(created).admin_id;
    const noFactor = await login(email, initial, null, '000000');
    assert.equal(noFactor.statusCode, 403, 'no second factor enrolled yet');
    assert.equal(json(noFactor).denial_reason, 'TOTP_NOT_ENROLLED');
    const totp = await inject(
      'POST',
      `/api/v1/admin/accounts/${id}/totp`,
      admins.SUPER_ADMIN.headers,
    );
    assert.equal(totp.statusCode, 200, totp.body);
    const secret = json<{ totp_secret: string }>(totp).totp_secret;
    const first = await login(email, initial, secret);
    assert.equal(first.statusCode, 200, first.body);
    const firstToken = json<{ token: string }>(first).token;
    const h = { authorization: `Bearer ${firstToken}` };
    // §6: the creator-chosen password must be changed before anything else.
    const blocked = await inject('GET', '/api/v1/admin/audit-events', h);
    assert.equal(blocked.statusCode, 403);
    assert.equal(json(blocked).denial_reason, 'PASSWORD_CHANGE_REQUIRED');
    const password = `changed-${role}-password-1`;
    const changed = await inject('PATCH', '/api/v1/admin/auth/me/password', h, {
      current_password: initial,
      new_password: password,
    });
    assert.equal(changed.statusCode, 204, changed.body);
    return { id, email, password, secret, token: firstToken, headers: h };
  }

  before(async () => {
    t = await createTestApp({
      operator: { bootstrap: root, now: () => nowMs, liteLlmBaseUrl: env.litellmBaseUrl, totpKey },
    });
    const res = await login(root.email, root.password, rootSecret);
    assert.equal(res.statusCode, 200, res.body);
    const body = json<{ token: string; admin_id: string }>(res);
    admins.SUPER_ADMIN = {
      id: body.admin_id,
      email: root.email,
      password: root.password,
      secret: rootSecret,
      token: body.token,
      headers: { authorization: `Bearer ${body.token}` },
    };
    admins.ENGINEER = await provision('ENGINEER');
    admins.SUPPORT = await provision('SUPPORT');
    user = await createTestUser(t.scratch.db, { tier: 'FREE' });
    proUser = await createTestUser(t.scratch.db, { tier: 'PRO' });
    // A route stored by a SUPER_ADMIN so ENGINEER can edit it with the masked reference.
    const seeded = await inject(
      'PUT',
      '/api/v1/admin/config/model.l1',
      admins.SUPER_ADMIN.headers,
      { value: ROUTE, reason: 'initial route' },
    );
    assert.equal(seeded.statusCode, 200, seeded.body);
  });
  after(() => t.close());

  void describe('login, TOTP and sessions (DB_SCHEMA §19; API_CONTRACT §6)', () => {
    void it('bootstrap is idempotent: one SUPER_ADMIN, one admin.bootstrap audit row, a second start changes nothing', async () => {
      const again = await createTestApp({ operator: { bootstrap: root, now: () => nowMs } });
      await again.close();
      const { ensureBootstrapAdmin } = await import('../src/admin/bootstrap');
      const second = await ensureBootstrapAdmin(t.scratch.db, {
        ...root,
        password: 'another-password-xyz',
      });
      assert.deepEqual(second, { adminId: admins.SUPER_ADMIN.id, created: false });
      const supers = await t.scratch.db
        .selectFrom('admin_accounts')
        .select('id')
        .where('role', '=', 'SUPER_ADMIN')
        .execute();
      assert.equal(supers.length, 1);
      assert.equal((await auditRows('admin.bootstrap')).length, 1);
      assert.equal(
        (await login(root.email, 'another-password-xyz', rootSecret)).statusCode,
        401,
        'the stored password was not replaced',
      );
    });

    void it('TOTP secrets are sealed at rest under the operator key (AES-256-GCM), never stored in clear', async () => {
      const rows = await t.scratch.db
        .selectFrom('admin_credentials')
        .select(['admin_id', 'totp_secret'])
        .where('admin_id', 'in', [admins.SUPER_ADMIN.id, admins.ENGINEER.id, admins.SUPPORT.id])
        .execute();
      assert.equal(rows.length, 3);
      for (const r of rows) {
        assert.match(String(r.totp_secret), /^v1:/);
        for (const a of Object.values(admins)) assert.ok(!String(r.totp_secret).includes(a.secret));
      }
    });

    void it('a session token is opaque, stored only as its SHA-256, expires after 8 h, and me answers the identity', async () => {
      const { token } = admins.SUPER_ADMIN;
      assert.match(token, /^iama_adm_[A-Za-z0-9_-]{43}$/);
      const row = await t.scratch.db
        .selectFrom('admin_sessions')
        .selectAll()
        .where('token_hash', '=', hashAdminToken(token))
        .executeTakeFirstOrThrow();
      assert.notEqual(row.token_hash, token);
      assert.equal(row.revoked_at, null);
      const ttl = row.expires_at.getTime() - row.created_at.getTime();
      assert.ok(
        Math.abs(ttl - 8 * 3600_000) < 3600_000,
        'about 8 hours (the app clock may run ahead of the database clock)',
      );
      const me = await inject('GET', '/api/v1/admin/auth/me', admins.SUPER_ADMIN.headers);
      assert.equal(me.statusCode, 200);
      assert.deepEqual(
        { ...json<Body>(me), last_login_at: undefined },
        {
          admin_id: admins.SUPER_ADMIN.id,
          email: root.email,
          role: 'SUPER_ADMIN',
          last_login_at: undefined,
        },
      );
    });

    void it('wrong password, unknown email, missing code, wrong code and a replayed code all answer 401 INVALID_CREDENTIALS and are audited', async () => {
      const e = admins.ENGINEER;
      const before = (await auditRows('admin.login_failed')).length;
      const wrongPassword = await login(e.email, 'not-the-password-!!', e.secret);
      const unknown = await login('nobody@ops.example.test', e.password, e.secret);
      const missing = await login(e.email, e.password, null);
      nowMs += 30_000;
      const wrongCode = await inject(
        'POST',
        '/api/v1/admin/auth/login',
        {
          'x-iama-otp': String((Number(totpAt(e.secret, nowMs)) + 1) % 1_000_000).padStart(6, '0'),
        },
        { email: e.email, password: e.password },
      );
      for (const res of [wrongPassword, unknown, missing, wrongCode]) {
        assert.equal(res.statusCode, 401, res.body);
        assert.equal(json(res).error_code, 'INVALID_CREDENTIALS');
      }
      assert.deepEqual(json(missing).detail, { otp: 'required' });
      assert.deepEqual(json(wrongCode).detail, { otp: 'invalid' });
      // A code that already opened a session cannot open another.
      nowMs += 30_000;
      const code = totpAt(e.secret, nowMs);
      const ok = await inject(
        'POST',
        '/api/v1/admin/auth/login',
        { 'x-iama-otp': code },
        { email: e.email, password: e.password },
      );
      assert.equal(ok.statusCode, 200, ok.body);
      const replay = await inject(
        'POST',
        '/api/v1/admin/auth/login',
        { 'x-iama-otp': code },
        { email: e.email, password: e.password },
      );
      assert.equal(replay.statusCode, 401);
      assert.equal((await auditRows('admin.login_failed')).length, before + 5);
      const malformed = await inject(
        'POST',
        '/api/v1/admin/auth/login',
        { 'x-iama-otp': '12ab' },
        { email: e.email, password: e.password },
      );
      assert.equal(malformed.statusCode, 400);
      assert.equal(json(malformed).error_code, 'VALIDATION_FAILED');
    });

    void it('brute force: 10 failed logins lock the account (429 RATE_LIMITED with retry_after) even for the right code; others are unaffected', async () => {
      const h = admins.SUPER_ADMIN.headers;
      const created = await inject('POST', '/api/v1/admin/accounts', h, {
        email: 'brute@ops.example.test',
        password: 'brute-password-initial',
        role: 'SUPPORT',
      });
      const id = json<{ admin_id: string }>(created).admin_id;
      const secret = json<{ totp_secret: string }>(
        await inject('POST', `/api/v1/admin/accounts/${id}/totp`, h),
      ).totp_secret;
      for (let i = 0; i < 10; i++) {
        nowMs += 30_000;
        const wrong = String((Number(totpAt(secret, nowMs)) + 500_000) % 1_000_000).padStart(
          6,
          '0',
        );
        const res = await inject(
          'POST',
          '/api/v1/admin/auth/login',
          { 'x-iama-otp': wrong },
          { email: 'brute@ops.example.test', password: 'brute-password-initial' },
        );
        assert.equal(res.statusCode, 401, `attempt ${i + 1}`);
      }
      const locked = await login('brute@ops.example.test', 'brute-password-initial', secret);
      assert.equal(locked.statusCode, 429, locked.body);
      const body = json(locked);
      assert.equal(body.error_code, 'RATE_LIMITED');
      assert.ok(Date.parse(String(body.retry_after)) > Date.now(), 'retry_after is in the future');
      assert.equal(body.reset_at, body.retry_after);
      assert.equal(
        (await login(root.email, root.password, rootSecret)).statusCode,
        200,
        'another account still logs in',
      );
    });

    void it('an expired session answers 401 TOKEN_EXPIRED; a revoked (logged-out) one 401 INVALID_CREDENTIALS', async () => {
      const s = admins.SUPPORT;
      const res = await login(s.email, s.password, s.secret);
      const token = json<{ token: string }>(res).token;
      const h = { authorization: `Bearer ${token}` };
      assert.equal((await inject('GET', '/api/v1/admin/auth/me', h)).statusCode, 200);
      await t.scratch.db
        .updateTable('admin_sessions')
        .set({ expires_at: new Date(nowMs - 1000) })
        .where('token_hash', '=', hashAdminToken(token))
        .execute();
      const expired = await inject('GET', '/api/v1/admin/auth/me', h);
      assert.equal(expired.statusCode, 401);
      assert.equal(json(expired).error_code, 'TOKEN_EXPIRED');

      const again = json<{ token: string }>(await login(s.email, s.password, s.secret)).token;
      const h2 = { authorization: `Bearer ${again}` };
      assert.equal((await inject('POST', '/api/v1/admin/auth/logout', h2)).statusCode, 204);
      const revoked = await inject('GET', '/api/v1/admin/auth/me', h2);
      assert.equal(revoked.statusCode, 401);
      assert.equal(json(revoked).error_code, 'INVALID_CREDENTIALS');
      assert.ok((await auditRows('admin.logout')).length >= 1);
    });

    void it('invariant 18: a product user token, a missing token and a forged token are refused on every admin route', async () => {
      for (const headers of [user.headers, {}, { authorization: 'Bearer iama_adm_forged' }]) {
        for (const [method, url] of [
          ['GET', '/api/v1/admin/auth/me'],
          ['GET', '/api/v1/admin/accounts'],
          ['GET', `/api/v1/admin/users/${user.userId}`],
          ['GET', '/api/v1/admin/config'],
          ['GET', '/api/v1/admin/health'],
          ['GET', '/api/v1/admin/audit-events'],
        ] as const) {
          const res = await inject(method, url, headers);
          assert.equal(res.statusCode, 401, `${method} ${url}`);
          assert.equal(json(res).error_code, 'INVALID_CREDENTIALS');
        }
      }
      // And an admin token is no product token.
      const asUser = await inject('GET', '/api/v1/jobs', admins.SUPER_ADMIN.headers);
      assert.equal(asUser.statusCode, 401);
    });

    void it('own password change: wrong current password and weak new password are refused; success revokes other sessions', async () => {
      const e = admins.ENGINEER;
      const wrong = await inject('PATCH', '/api/v1/admin/auth/me/password', e.headers, {
        current_password: 'nope-nope-nope',
        new_password: 'long-enough-password-2',
      });
      assert.equal(wrong.statusCode, 400);
      assert.equal(json(wrong).error_code, 'CURRENT_PASSWORD_INCORRECT');
      const weak = await inject('PATCH', '/api/v1/admin/auth/me/password', e.headers, {
        current_password: e.password,
        new_password: 'short',
      });
      assert.equal(weak.statusCode, 400);
      assert.equal(json(weak).error_code, 'WEAK_PASSWORD');
      const other = json<{ token: string }>(await login(e.email, e.password, e.secret)).token;
      const next = 'engineer-password-second';
      assert.equal(
        (
          await inject('PATCH', '/api/v1/admin/auth/me/password', e.headers, {
            current_password: e.password,
            new_password: next,
          })
        ).statusCode,
        204,
      );
      e.password = next;
      assert.equal(
        (await inject('GET', '/api/v1/admin/auth/me', { authorization: `Bearer ${other}` }))
          .statusCode,
        401,
        'the other session is revoked',
      );
      assert.equal(
        (await inject('GET', '/api/v1/admin/auth/me', e.headers)).statusCode,
        200,
        'this session stays',
      );
    });
  });

  void describe('account management (API_CONTRACT §6, SUPER_ADMIN only)', () => {
    void it('create refuses SUPER_ADMIN and duplicates; update refuses own account; suspension blocks login and revokes sessions', async () => {
      const h = admins.SUPER_ADMIN.headers;
      const superRole = await inject('POST', '/api/v1/admin/accounts', h, {
        email: 'x@ops.example.test',
        password: 'password-long-enough',
        role: 'SUPER_ADMIN',
      });
      assert.equal(superRole.statusCode, 400);
      const dup = await inject('POST', '/api/v1/admin/accounts', h, {
        email: admins.SUPPORT.email.toUpperCase(),
        password: 'password-long-enough',
        role: 'SUPPORT',
      });
      assert.equal(dup.statusCode, 409);
      assert.equal(json(dup).error_code, 'EMAIL_ALREADY_EXISTS');
      const own = await inject('PATCH', `/api/v1/admin/accounts/${admins.SUPER_ADMIN.id}`, h, {
        status: 'SUSPENDED',
        reason: 'test',
      });
      assert.equal(own.statusCode, 403);
      assert.equal(json(own).error_code, 'CANNOT_MODIFY_OWN_ACCOUNT');

      const created = await inject('POST', '/api/v1/admin/accounts', h, {
        email: 'temp@ops.example.test',
        password: 'temp-password-initial',
        role: 'SUPPORT',
      });
      const id = json<{ admin_id: string }>(created).admin_id;
      const secret = json<{ totp_secret: string }>(
        await inject('POST', `/api/v1/admin/accounts/${id}/totp`, h),
      ).totp_secret;
      const session = json<{ token: string }>(
        await login('temp@ops.example.test', 'temp-password-initial', secret),
      ).token;
      const suspended = await inject('PATCH', `/api/v1/admin/accounts/${id}`, h, {
        status: 'SUSPENDED',
        role: 'ENGINEER',
        reason: 'investigation',
      });
      assert.equal(suspended.statusCode, 200, suspended.body);
      const body = json<{ role: string; status: string; audit_event_id: string }>(suspended);
      assert.equal(body.role, 'ENGINEER');
      assert.equal(body.status, 'SUSPENDED');
      const audit = await t.scratch.db
        .selectFrom('audit_events')
        .selectAll()
        .where('id', '=', body.audit_event_id)
        .executeTakeFirstOrThrow();
      assert.equal(audit.old_state, 'SUPPORT/ACTIVE');
      assert.equal(audit.new_state, 'ENGINEER/SUSPENDED');
      assert.equal((audit.metadata as Body).admin_id, admins.SUPER_ADMIN.id);
      assert.equal(audit.actor_id, null, 'invariant 18: an admin is never a users row');
      assert.equal(
        (await inject('GET', '/api/v1/admin/auth/me', { authorization: `Bearer ${session}` }))
          .statusCode,
        401,
      );
      const blocked = await login('temp@ops.example.test', 'temp-password-initial', secret);
      assert.equal(blocked.statusCode, 403);
      assert.equal(json(blocked).error_code, 'ACCOUNT_SUSPENDED');

      const missing = await inject(
        'PATCH',
        '/api/v1/admin/accounts/00000000-0000-4000-8000-000000000000',
        h,
        { status: 'ACTIVE', reason: 'x' },
      );
      assert.equal(missing.statusCode, 404);
      const noChange = await inject('PATCH', `/api/v1/admin/accounts/${id}`, h, {
        reason: 'nothing',
      });
      assert.equal(noChange.statusCode, 400);
    });

    void it('CANNOT_MODIFY_LAST_SUPER_ADMIN: two SUPER_ADMINs demoting each other at once leave exactly one', async () => {
      // The API cannot create a SUPER_ADMIN; a second one exists only through bootstrap.
      const { ensureBootstrapAdmin } = await import('../src/admin/bootstrap');
      const secret = generateTotpSecret();
      const second = await ensureBootstrapAdmin(t.scratch.db, {
        email: 'second-root@ops.example.test',
        password: 'second-root-password',
        totpSecret: secret,
      });
      const b = json<{ token: string }>(
        await login('second-root@ops.example.test', 'second-root-password', secret),
      );
      // Hold the SUPER_ADMIN rows so both requests are authorised and then queue on the lock:
      // a true overlap, not two requests that happen to run one after the other.
      const holder = await connectClient(t.scratch.url);
      let ab: LightMyRequestResponse;
      let ba: LightMyRequestResponse;
      try {
        await holder.query('begin');
        await holder.query(`select id from admin_accounts where role = 'SUPER_ADMIN' for update`);
        const both = Promise.all([
          inject('PATCH', `/api/v1/admin/accounts/${second.adminId}`, admins.SUPER_ADMIN.headers, {
            role: 'ENGINEER',
            reason: 'one root is enough',
          }),
          inject(
            'PATCH',
            `/api/v1/admin/accounts/${admins.SUPER_ADMIN.id}`,
            { authorization: `Bearer ${b.token}` },
            { role: 'ENGINEER', reason: 'one root is enough' },
          ),
        ]);
        for (let i = 0; i < 500; i++) {
          const waiting = await holder.query<{ n: string }>(
            `select count(*) as n from pg_locks where not granted and database = (select oid from pg_database where datname = current_database())`,
          );
          if (Number(waiting.rows[0]!.n) >= 2) break;
          await new Promise((r) => setTimeout(r, 10));
        }
        await holder.query('commit');
        [ab, ba] = await both;
      } finally {
        await holder.end();
      }
      const statuses = [ab.statusCode, ba.statusCode].sort();
      assert.deepEqual(statuses, [200, 403], `${ab.body} / ${ba.body}`);
      const refused = ab.statusCode === 403 ? ab : ba;
      assert.equal(json(refused).error_code, 'CANNOT_MODIFY_LAST_SUPER_ADMIN');
      const supers = await t.scratch.db
        .selectFrom('admin_accounts')
        .select('id')
        .where('role', '=', 'SUPER_ADMIN')
        .where('status', '=', 'ACTIVE')
        .execute();
      assert.equal(supers.length, 1);
      if (supers[0]!.id !== admins.SUPER_ADMIN.id) {
        // The other one won the race: put the roles back for the rest of the file.
        await t.scratch.db
          .updateTable('admin_accounts')
          .set({ role: 'SUPER_ADMIN' })
          .where('id', '=', admins.SUPER_ADMIN.id)
          .execute();
        await t.scratch.db
          .updateTable('admin_accounts')
          .set({ role: 'ENGINEER' })
          .where('id', '=', second.adminId)
          .execute();
      }
    });

    void it('reset-password issues a one-time temporary password that forces a change and expires after 24 h', async () => {
      const h = admins.SUPER_ADMIN.headers;
      const created = await inject('POST', '/api/v1/admin/accounts', h, {
        email: 'reset@ops.example.test',
        password: 'reset-password-initial',
        role: 'ENGINEER',
      });
      const id = json<{ admin_id: string }>(created).admin_id;
      const secret = json<{ totp_secret: string }>(
        await inject('POST', `/api/v1/admin/accounts/${id}/totp`, h),
      ).totp_secret;
      const reset = await inject('POST', `/api/v1/admin/accounts/${id}/reset-password`, h);
      assert.equal(reset.statusCode, 200, reset.body);
      const { temporary_password } = json<{ temporary_password: string }>(reset);
      assert.ok(temporary_password.length >= 12);
      assert.equal(
        (await login('reset@ops.example.test', 'reset-password-initial', secret)).statusCode,
        401,
        'the old password is gone',
      );
      const ok = await login('reset@ops.example.test', temporary_password, secret);
      assert.equal(ok.statusCode, 200);
      const blocked = await inject('GET', '/api/v1/admin/config', {
        authorization: `Bearer ${json<{ token: string }>(ok).token}`,
      });
      assert.equal(json(blocked).denial_reason, 'PASSWORD_CHANGE_REQUIRED');
      nowMs += 24 * 3600_000;
      assert.equal(
        (await login('reset@ops.example.test', temporary_password, secret)).statusCode,
        401,
        'expired after 24 h',
      );
      nowMs -= 24 * 3600_000 - 60_000;
    });
  });

  void describe('RBAC: every admin endpoint × each role × a product user (DB_SCHEMA §19)', () => {
    /** One real request per permission; `expectOk` is the success status when allowed. */
    const cases: Record<
      AdminPermission,
      () => [
        method: 'GET' | 'POST' | 'PUT' | 'PATCH',
        url: string,
        body: Body | undefined,
        expectOk: number,
      ]
    > = {
      'admin_accounts.manage': () => ['GET', '/api/v1/admin/accounts', undefined, 200],
      'config.api_key_ref.write': () => [
        'PUT',
        '/api/v1/admin/config/model.l1.api_key_ref',
        { value: 'secrets/litellm/openai_api_key', reason: 'rotate' },
        200,
      ],
      'config.model_routing.write': () => [
        'PUT',
        '/api/v1/admin/config/model.l1',
        { value: { ...ROUTE, api_key_ref: '***', output_token_limit: 25000 }, reason: 'cap' },
        200,
      ],
      'config.tier_context_caps.write': () => [
        'PUT',
        '/api/v1/admin/config/tier_context_caps',
        {
          value: { FREE: 128000, PLUS: 128000, PRO: 200000, MAX: 200000, ENTERPRISE: 1000000 },
          reason: 'caps',
        },
        200,
      ],
      'config.feature_flags.write': () => [
        'PUT',
        '/api/v1/admin/config/feature.black_box_orchestration',
        { value: false, reason: 'flag' },
        200,
      ],
      'config.language_matrix.write': () => [
        'PUT',
        '/api/v1/admin/config/language_matrix',
        { value: { approved_pairs: [], version: '1' }, reason: 'matrix' },
        200,
      ],
      'config.read': () => ['GET', '/api/v1/admin/config', undefined, 200],
      'kill_switch.global': () => [
        'POST',
        '/api/v1/admin/kill-switch',
        { scope: 'GLOBAL', action: 'DISABLE', reason: 'rbac' },
        200,
      ],
      'kill_switch.user': () => [
        'POST',
        '/api/v1/admin/kill-switch',
        { scope: 'USER', user_id: user.userId, action: 'DISABLE', reason: 'rbac' },
        200,
      ],
      'user360.read': () => ['GET', `/api/v1/admin/users/${proUser.userId}`, undefined, 200],
      'quota.adjust': () => [
        'PATCH',
        `/api/v1/admin/quota/${proUser.userId}`,
        { phase: 2, delta: 1, reason_code: 'RBAC_CHECK' },
        200,
      ],
      'health.read': () => ['GET', '/api/v1/admin/health', undefined, 200],
      'audit.read_all': () => ['GET', '/api/v1/admin/audit-events?scope=ALL', undefined, 200],
      'audit.read_own': () => ['GET', '/api/v1/admin/audit-events', undefined, 200],
    };

    void it('each role is allowed exactly where the matrix says (42 role × permission requests) and a product user nowhere', async () => {
      assert.deepEqual(
        Object.keys(cases).sort(),
        Object.keys(ADMIN_PERMISSIONS).sort(),
        'every permission has a real endpoint case',
      );
      let checked = 0;
      for (const [permission, make] of Object.entries(cases) as [
        AdminPermission,
        (typeof cases)[AdminPermission],
      ][]) {
        for (const role of ['SUPER_ADMIN', 'ENGINEER', 'SUPPORT'] as const) {
          const [method, url, body, ok] = make();
          const res = await inject(method, url, admins[role].headers, body);
          const label = `${role} × ${permission} (${method} ${url})`;
          if (can(role, permission)) assert.equal(res.statusCode, ok, `${label}: ${res.body}`);
          else {
            assert.equal(res.statusCode, 403, `${label}: ${res.body}`);
            const err = json(res);
            assert.equal(err.error_code, 'ROLE_INSUFFICIENT', label);
            assert.equal(typeof err.required_role, 'string');
            assert.equal(typeof err.denial_reason, 'string', '§13 invariant 4');
          }
          checked++;
        }
        const [method, url, body] = make();
        assert.equal(
          (await inject(method, url, user.headers, body)).statusCode,
          401,
          `product user × ${permission}`,
        );
      }
      assert.equal(checked, 42);
    });

    void it('account management endpoints are SUPER_ADMIN only (create, update, reset, TOTP)', async () => {
      const target = admins.SUPPORT.id;
      for (const role of ['ENGINEER', 'SUPPORT'] as const) {
        for (const [method, url, body] of [
          [
            'POST',
            '/api/v1/admin/accounts',
            { email: 'y@ops.example.test', password: 'password-long-enough', role: 'SUPPORT' },
          ],
          ['PATCH', `/api/v1/admin/accounts/${target}`, { status: 'SUSPENDED', reason: 'x' }],
          ['POST', `/api/v1/admin/accounts/${target}/reset-password`, undefined],
          ['POST', `/api/v1/admin/accounts/${target}/totp`, undefined],
        ] as const) {
          const res = await inject(method, url, admins[role].headers, body);
          assert.equal(res.statusCode, 403, `${role} ${method} ${url}`);
          assert.equal(json(res).required_role, 'SUPER_ADMIN');
        }
      }
    });
  });

  void describe('config store (V1-FR-OPS-001; DB_SCHEMA §8.1, invariants 19-20)', () => {
    void it('api_key_ref is masked to "***" for every role, and the stored row keeps the real reference', async () => {
      for (const role of ['SUPER_ADMIN', 'ENGINEER'] as const) {
        const res = await inject('GET', '/api/v1/admin/config', admins[role].headers);
        const entries = json<{ entries: { key: string; value: Body; updated_by: string }[] }>(
          res,
        ).entries;
        const l1 = entries.find((e) => e.key === 'model.l1')!;
        assert.equal(l1.value.api_key_ref, '***');
        assert.ok(!res.body.includes('secrets/litellm'), `${role}: no reference leaks`);
        assert.match(l1.updated_by, /@ops\.example\.test$/);
      }
      const row = await t.scratch.db
        .selectFrom('dynamic_configs')
        .select(['config_value', 'updated_by'])
        .where('config_key', '=', 'model.l1')
        .executeTakeFirstOrThrow();
      assert.match(String((row.config_value as Body).api_key_ref), /^secrets\/litellm\//);
      const admin = await t.scratch.db
        .selectFrom('admin_accounts')
        .select('id')
        .where('id', '=', row.updated_by!)
        .executeTakeFirst();
      assert.ok(admin, 'invariant 20: updated_by is an admin_accounts id');
    });

    void it('ENGINEER cannot change api_key_ref inside a route (403 ROLE_INSUFFICIENT, required SUPER_ADMIN); nothing is written', async () => {
      const before = await t.scratch.db
        .selectFrom('dynamic_configs')
        .selectAll()
        .where('config_key', '=', 'model.l1')
        .executeTakeFirstOrThrow();
      const res = await inject('PUT', '/api/v1/admin/config/model.l1', admins.ENGINEER.headers, {
        value: { ...ROUTE, api_key_ref: 'secrets/litellm/other_key' },
        reason: 'sneaky',
      });
      assert.equal(res.statusCode, 403);
      assert.equal(json(res).error_code, 'ROLE_INSUFFICIENT');
      assert.equal(json(res).required_role, 'SUPER_ADMIN');
      const after = await t.scratch.db
        .selectFrom('dynamic_configs')
        .selectAll()
        .where('config_key', '=', 'model.l1')
        .executeTakeFirstOrThrow();
      assert.deepEqual(after, before);
    });

    void it('invalid values answer 400 VALIDATION_FAILED with the issues, write nothing and audit nothing', async () => {
      const count = async () => ({
        configs: (await t.scratch.db.selectFrom('dynamic_configs').selectAll().execute())
          .map((r) => [r.config_key, JSON.stringify(r.config_value)])
          .sort(),
        audits: (await auditRows('admin.config_updated')).length,
      });
      const before = await count();
      const bad: [string, unknown][] = [
        ['feature.black_box_orchestration', 'yes'],
        ['feature.baseline_ast_confidence_threshold', 140],
        ['tier_context_caps', { FREE: 128000 }],
        ['model.l2', { ...ROUTE, api_base_url: 'not a url' }],
        ['model.l2', { ...ROUTE, api_key_ref: 'sk-live-1234567890abcdef' }],
        ['model.l2', { ...ROUTE, api_key_ref: '***' }],
        ['model.l1.api_key_ref', 'sk-ant-api03-raw-secret'],
        ['model.l3.api_key_ref', 'secrets/litellm/no_route_yet'],
        ['language_matrix', { approved_pairs: 'all' }],
        ['no.such.key', true],
      ];
      for (const [key, value] of bad) {
        const res = await inject('PUT', `/api/v1/admin/config/${key}`, admins.SUPER_ADMIN.headers, {
          value,
          reason: 'bad',
        });
        assert.equal(res.statusCode, 400, `${key}: ${res.body}`);
        const err = json(res);
        assert.equal(err.error_code, 'VALIDATION_FAILED', key);
        assert.ok(!res.body.includes('sk-'), 'the rejected value is not echoed');
      }
      for (const body of [{ value: true }, { reason: 'no value' }, { value: true, reason: '' }]) {
        const res = await inject(
          'PUT',
          '/api/v1/admin/config/feature.cross_ecosystem_v1x',
          admins.SUPER_ADMIN.headers,
          body,
        );
        assert.equal(res.statusCode, 400);
        assert.equal(json(res).error_code, 'VALIDATION_FAILED');
      }
      assert.equal(
        (
          await inject('PUT', '/api/v1/admin/config/BAD KEY', admins.SUPER_ADMIN.headers, {
            value: true,
            reason: 'x',
          })
        ).statusCode,
        400,
      );
      assert.deepEqual(await count(), before);
    });

    void it('a valid write takes effect at once, answers effective_at + audit_event_id, and the audit row holds masked old/new state', async () => {
      const res = await inject(
        'PUT',
        '/api/v1/admin/config/model.l1.api_key_ref',
        admins.SUPER_ADMIN.headers,
        { value: 'secrets/litellm/rotated_key', reason: 'rotation' },
      );
      assert.equal(res.statusCode, 200, res.body);
      const body = json<{ key: string; effective_at: string; audit_event_id: string }>(res);
      assert.equal(body.key, 'model.l1.api_key_ref');
      const row = await t.scratch.db
        .selectFrom('dynamic_configs')
        .select('config_value')
        .where('config_key', '=', 'model.l1')
        .executeTakeFirstOrThrow();
      assert.equal((row.config_value as Body).api_key_ref, 'secrets/litellm/rotated_key');
      const audit = await t.scratch.db
        .selectFrom('audit_events')
        .selectAll()
        .where('id', '=', body.audit_event_id)
        .executeTakeFirstOrThrow();
      assert.equal(audit.event_type, 'admin.config_updated');
      assert.equal(audit.new_state, '"***"');
      assert.ok(
        !JSON.stringify(audit).includes('rotated_key'),
        'the reference never enters the audit log',
      );
      assert.equal((audit.metadata as Body).reason, 'rotation');
    });
  });

  void describe('kill switches (V1-FR-OPS-002)', () => {
    /** POST /api/v1/jobs is the job helper's route; when registered, it must honour the switch. */
    const jobRouteRegistered = () => t.app.hasRoute({ method: 'POST', url: '/api/v1/jobs' });

    void it('global ENABLE blocks new jobs at once (POST /api/v1/jobs → 403 KILL_SWITCH_ACTIVE), DISABLE lifts it; health shows it', async (ctx) => {
      const enable = await inject('POST', '/api/v1/admin/kill-switch', admins.ENGINEER.headers, {
        scope: 'GLOBAL',
        action: 'ENABLE',
        reason: 'provider incident',
      });
      try {
        assert.equal(enable.statusCode, 200, enable.body);
        assert.deepEqual(await activeKillSwitch(t.scratch.db, proUser.userId), {
          scope: 'GLOBAL',
          reason: 'provider incident',
        });
        if (jobRouteRegistered()) {
          const job = await inject('POST', '/api/v1/jobs', proUser.headers, {
            target_paths: ['src/a.ts'],
            execution_mode: 'LOCAL_NATIVE',
          });
          assert.equal(job.statusCode, 403, job.body);
          assert.equal(json(job).denial_reason, 'KILL_SWITCH_ACTIVE');
        } else
          ctx.diagnostic(
            'POST /api/v1/jobs not registered in this build; effect checked through activeKillSwitch',
          );
        assert.equal(
          json(await inject('GET', '/api/v1/admin/health', admins.ENGINEER.headers))
            .kill_switch_active,
          true,
        );
      } finally {
        const disable = await inject(
          'POST',
          '/api/v1/admin/kill-switch',
          admins.SUPER_ADMIN.headers,
          { scope: 'GLOBAL', action: 'DISABLE', reason: 'resolved' },
        );
        assert.equal(disable.statusCode, 200);
      }
      assert.equal(await activeKillSwitch(t.scratch.db, proUser.userId), null);
      assert.equal(
        json(await inject('GET', '/api/v1/admin/health', admins.ENGINEER.headers))
          .kill_switch_active,
        false,
      );
      const audit = await t.scratch.db
        .selectFrom('audit_events')
        .selectAll()
        .where('id', '=', json<{ audit_event_id: string }>(enable).audit_event_id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(
        [audit.event_type, audit.old_state, audit.new_state],
        ['admin.kill_switch', 'INACTIVE', 'ACTIVE'],
      );
    });

    void it('per-user: SUPPORT may block one user (others unaffected) but not everyone; unknown users and bad bodies are refused', async () => {
      const s = admins.SUPPORT.headers;
      const one = await inject('POST', '/api/v1/admin/kill-switch', s, {
        scope: 'USER',
        user_id: user.userId,
        action: 'ENABLE',
        reason: 'abuse report',
      });
      assert.equal(one.statusCode, 200, one.body);
      assert.equal((await activeKillSwitch(t.scratch.db, user.userId))?.scope, 'USER');
      assert.equal(await activeKillSwitch(t.scratch.db, proUser.userId), null);
      if (jobRouteRegistered()) {
        const job = await inject('POST', '/api/v1/jobs', user.headers, {
          target_paths: ['src/a.ts'],
          execution_mode: 'LOCAL_NATIVE',
        });
        assert.equal(json(job).denial_reason, 'KILL_SWITCH_ACTIVE');
      }
      const global = await inject('POST', '/api/v1/admin/kill-switch', s, {
        scope: 'GLOBAL',
        action: 'ENABLE',
        reason: 'x',
      });
      assert.equal(global.statusCode, 403);
      assert.equal(json(global).required_role, 'ENGINEER');
      const unknown = await inject('POST', '/api/v1/admin/kill-switch', s, {
        scope: 'USER',
        user_id: '00000000-0000-4000-8000-000000000000',
        action: 'ENABLE',
        reason: 'x',
      });
      assert.equal(unknown.statusCode, 404);
      const noUser = await inject('POST', '/api/v1/admin/kill-switch', s, {
        scope: 'USER',
        action: 'ENABLE',
        reason: 'x',
      });
      assert.equal(noUser.statusCode, 400);
      assert.equal(
        (
          await inject('POST', '/api/v1/admin/kill-switch', s, {
            scope: 'USER',
            user_id: user.userId,
            action: 'DISABLE',
            reason: 'cleared',
          })
        ).statusCode,
        200,
      );
      assert.equal(await activeKillSwitch(t.scratch.db, user.userId), null);
    });
  });

  void describe('quota adjustment, user 360, health, audit viewer (V1-FR-OPS-003, V1-FR-OPS-004, V1-FR-OBS-001)', () => {
    void it('a refund and a deduction are ledger rows carrying phase and reason code; the balance follows; overdraft and Free are refused', async () => {
      const h = admins.SUPPORT.headers;
      const up = await inject('PATCH', `/api/v1/admin/quota/${proUser.userId}`, h, {
        phase: 3,
        delta: 40,
        reason_code: 'REFUND_INFRA_FAILURE',
      });
      assert.equal(up.statusCode, 200, up.body);
      const a = json<{ new_balance: number; audit_event_id: string }>(up);
      const down = await inject('PATCH', `/api/v1/admin/quota/${proUser.userId}`, h, {
        phase: 2,
        delta: -15,
        reason_code: 'GOODWILL_REVERSAL',
      });
      const b = json<{ new_balance: number }>(down);
      assert.equal(b.new_balance, a.new_balance - 15);
      const ledger = await t.scratch.db
        .selectFrom('usage_ledger')
        .selectAll()
        .where('user_id', '=', proUser.userId)
        .where('event_type', '=', 'quota_adjustment')
        .orderBy('recorded_at')
        .execute();
      assert.ok(
        ledger.some(
          (r) =>
            r.idempotency_key ===
              `admin_adjustment:${a.audit_event_id}:phase_3:REFUND_INFRA_FAILURE` &&
            r.quantity === 40_000,
        ),
      );
      assert.ok(
        ledger.some(
          (r) => r.idempotency_key.endsWith(':phase_2:GOODWILL_REVERSAL') && r.quantity === -15_000,
        ),
      );
      const audit = await t.scratch.db
        .selectFrom('audit_events')
        .selectAll()
        .where('id', '=', a.audit_event_id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(audit.metadata, {
        phase: 3,
        delta: 40,
        reason_code: 'REFUND_INFRA_FAILURE',
        admin_id: admins.SUPPORT.id,
        admin_role: 'SUPPORT',
        target_user_id: proUser.userId,
      });

      const overdraft = await inject('PATCH', `/api/v1/admin/quota/${proUser.userId}`, h, {
        phase: 2,
        delta: -1_000_000,
        reason_code: 'TOO_MUCH',
      });
      assert.equal(overdraft.statusCode, 400);
      const free = await inject('PATCH', `/api/v1/admin/quota/${user.userId}`, h, {
        phase: 1,
        delta: 5,
        reason_code: 'FREE_USER',
      });
      assert.equal(free.statusCode, 400);
      for (const body of [
        { phase: 4, delta: 1, reason_code: 'X' },
        { phase: 1, delta: 0, reason_code: 'X' },
        { phase: 1, delta: 1, reason_code: 'lower case' },
        { phase: 1, delta: 1.5, reason_code: 'X' },
      ]) {
        assert.equal(
          (await inject('PATCH', `/api/v1/admin/quota/${proUser.userId}`, h, body)).statusCode,
          400,
          JSON.stringify(body),
        );
      }
      assert.equal(
        (
          await inject('PATCH', '/api/v1/admin/quota/00000000-0000-4000-8000-000000000000', h, {
            phase: 2,
            delta: 1,
            reason_code: 'X',
          })
        ).statusCode,
        404,
      );
    });

    void it('user 360 shows tier, usage, recent jobs and billing status, and the view is audited', async () => {
      const res = await inject(
        'GET',
        `/api/v1/admin/users/${proUser.userId}`,
        admins.ENGINEER.headers,
      );
      assert.equal(res.statusCode, 200, res.body);
      const body = json<{
        user_id: string;
        email: string;
        tier: string;
        recent_jobs: unknown[];
        current_usage: Body;
        billing_status: string;
      }>(res);
      assert.equal(body.tier, 'PRO');
      assert.equal(body.email, proUser.email);
      assert.equal(body.billing_status, 'ACTIVE');
      assert.ok(Array.isArray(body.recent_jobs));
      assert.ok(body.current_usage.phase_2);
      const viewed = await auditRows('admin.user_viewed');
      assert.ok(
        viewed.some(
          (r) =>
            (r.metadata as Body).target_user_id === proUser.userId &&
            (r.metadata as Body).admin_id === admins.ENGINEER.id,
        ),
      );
      assert.equal(
        (
          await inject(
            'GET',
            '/api/v1/admin/users/00000000-0000-4000-8000-000000000000',
            admins.ENGINEER.headers,
          )
        ).statusCode,
        404,
      );
      assert.equal(
        (await inject('GET', '/api/v1/admin/users/not-a-uuid', admins.ENGINEER.headers)).statusCode,
        400,
      );
    });

    void it('health reports provider status through the real LiteLLM Proxy, rates in [0,1], counts and config freshness', async () => {
      const res = await inject('GET', '/api/v1/admin/health', admins.SUPER_ADMIN.headers);
      assert.equal(res.statusCode, 200, res.body);
      const h = json<{
        model_provider_status: { provider: string; status: string }[];
        api_error_rate_1h: number;
        workflow_success_rate_24h: number;
        config_last_updated_at: string;
      }>(res);
      assert.deepEqual(h.model_provider_status[0], { provider: 'litellm-proxy', status: 'OK' });
      assert.ok(
        h.model_provider_status.some(
          (p) => p.provider.startsWith('model.l1:') && p.status === 'OK',
        ),
      );
      assert.ok(h.api_error_rate_1h >= 0 && h.api_error_rate_1h <= 1);
      assert.ok(h.workflow_success_rate_24h >= 0 && h.workflow_success_rate_24h <= 1);
      assert.ok(Date.parse(h.config_last_updated_at) > 0);

      const down = await createTestApp({
        operator: { now: () => nowMs, liteLlmBaseUrl: 'http://127.0.0.1:9' },
      });
      try {
        // Same database as `down` is new: seed one SUPER_ADMIN there to read its health.
        const secret = generateTotpSecret();
        const { ensureBootstrapAdmin } = await import('../src/admin/bootstrap');
        await ensureBootstrapAdmin(down.scratch.db, {
          email: 'h@ops.example.test',
          password: 'health-password-1',
          totpSecret: secret,
        });
        nowMs += 30_000;
        const tok = json<{ token: string }>(
          await down.app.inject({
            method: 'POST',
            url: '/api/v1/admin/auth/login',
            headers: { 'x-iama-otp': totpAt(secret, nowMs) },
            payload: { email: 'h@ops.example.test', password: 'health-password-1' },
          }),
        ).token;
        const dh = await down.app.inject({
          method: 'GET',
          url: '/api/v1/admin/health',
          headers: { authorization: `Bearer ${tok}` },
        });
        assert.deepEqual(dh.json<{ model_provider_status: unknown[] }>().model_provider_status[0], {
          provider: 'litellm-proxy',
          status: 'DOWN',
        });
      } finally {
        await down.close();
      }
    });

    void it("audit viewer: OWN shows only the caller's actions; ALL is for SUPER_ADMIN/ENGINEER; filters and pagination work", async () => {
      const own = json<{ events: { actor_admin_id: string; event_type: string }[] }>(
        await inject('GET', '/api/v1/admin/audit-events?limit=200', admins.SUPPORT.headers),
      );
      assert.ok(own.events.length > 0);
      assert.ok(own.events.every((e) => e.actor_admin_id === admins.SUPPORT.id));
      const all = json<{ events: { actor_admin_id: string | null }[] }>(
        await inject(
          'GET',
          '/api/v1/admin/audit-events?scope=ALL&limit=200',
          admins.ENGINEER.headers,
        ),
      );
      assert.ok(new Set(all.events.map((e) => e.actor_admin_id)).size > 2);
      const forUser = json<{ events: { metadata: Body }[] }>(
        await inject(
          'GET',
          `/api/v1/admin/audit-events?scope=ALL&user_id=${proUser.userId}`,
          admins.SUPER_ADMIN.headers,
        ),
      );
      assert.ok(
        forUser.events.length > 0 &&
          forUser.events.every((e) => e.metadata.target_user_id === proUser.userId),
      );
      const page1 = json<{ events: { audit_event_id: string }[]; next_before: string | null }>(
        await inject(
          'GET',
          '/api/v1/admin/audit-events?scope=ALL&limit=2',
          admins.SUPER_ADMIN.headers,
        ),
      );
      assert.equal(page1.events.length, 2);
      assert.ok(page1.next_before);
      const page2 = json<{ events: { audit_event_id: string }[] }>(
        await inject(
          'GET',
          `/api/v1/admin/audit-events?scope=ALL&limit=2&before=${encodeURIComponent(page1.next_before)}`,
          admins.SUPER_ADMIN.headers,
        ),
      );
      assert.ok(
        page2.events.every((e) => !page1.events.some((p) => p.audit_event_id === e.audit_event_id)),
      );
      const denied = await inject(
        'GET',
        '/api/v1/admin/audit-events?scope=ALL',
        admins.SUPPORT.headers,
      );
      assert.equal(denied.statusCode, 403);
      assert.equal(
        (await inject('GET', '/api/v1/admin/audit-events?limit=1000', admins.SUPPORT.headers))
          .statusCode,
        400,
      );
    });

    void it('V1-FR-OBS-001: every state-changing admin action of this run left an audit row naming the admin', async () => {
      const rows = await t.scratch.db
        .selectFrom('audit_events')
        .select(['event_type', 'metadata', 'actor_id', 'surface'])
        .where('event_type', 'like', 'admin.%')
        .execute();
      const types = new Set(rows.map((r) => r.event_type));
      for (const type of [
        'admin.bootstrap',
        'admin.login',
        'admin.login_failed',
        'admin.logout',
        'admin.password_changed',
        'admin.account_created',
        'admin.account_updated',
        'admin.password_reset',
        'admin.totp_enrolled',
        'admin.config_updated',
        'admin.kill_switch',
        'admin.quota_adjusted',
        'admin.user_viewed',
      ]) {
        assert.ok(types.has(type), type);
      }
      for (const r of rows) {
        assert.equal(r.actor_id, null);
        if (!['admin.bootstrap', 'admin.login_failed'].includes(r.event_type)) {
          assert.match(String((r.metadata as Body).admin_id), /^[0-9a-f-]{36}$/, r.event_type);
          assert.equal(r.surface, 'API');
        }
      }
    });
  });
});
