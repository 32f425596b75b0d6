/**
 * Support tickets (issue #5; API_CONTRACT §7; V1-FR-SUP-001..005) through `app.inject` against
 * real PostgreSQL and a local Zendesk-compatible HTTP server: ownership, consent recorded,
 * payload mode by tier and organisation policy, redaction before the payload leaves, provider
 * failure writes nothing, audit.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { zendeskTicketing } from '../src/routes/support/ticketing';
import { metadataOnlyText, redactText, redactValue } from '../src/routes/support/redact';
import { payloadModeFor } from '../src/routes/support/ticket-payload';
import { createTestUser, type TestUser } from './support/auth';
import { createTestApp, type TestApp } from './support/db';

type Recorded = { method: string; path: string; authorization: string | undefined; body: string };

/** A local stand-in for Zendesk's uploads and tickets endpoints (V1-FR-SUP-001). */
async function fakeZendesk() {
  const requests: Recorded[] = [];
  let failing = false;
  let next = 1000;
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString('utf8')));
      req.on('end', () => resolve(data));
    });
  const server: Server = createServer((req, res) => {
    void read(req).then((body) => {
      requests.push({
        method: req.method!,
        path: req.url!,
        authorization: req.headers.authorization,
        body,
      });
      res.setHeader('content-type', 'application/json');
      if (failing) return res.writeHead(503).end('{"error":"unavailable"}');
      if (req.url!.startsWith('/api/v2/uploads.json'))
        return res.writeHead(201).end(JSON.stringify({ upload: { token: `upload-${next++}` } }));
      if (req.url === '/api/v2/tickets.json')
        return res.writeHead(201).end(JSON.stringify({ ticket: { id: next++ } }));
      return res.writeHead(404).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    setFailing: (v: boolean) => (failing = v),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const AWS_KEY = 'AKIA' + 'QWERTYUIOPASDFGH';
const GH_TOKEN = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';

void describe('support tickets (API_CONTRACT §7; V1-FR-SUP-001..005)', () => {
  let t: TestApp;
  let zd: Awaited<ReturnType<typeof fakeZendesk>>;
  let pro: TestUser;
  let other: TestUser;
  let enterprise: TestUser;

  async function failedJob(owner: string): Promise<string> {
    const db = t.scratch.db;
    const job = await db
      .insertInto('refactor_jobs')
      .values({
        owner_id: owner,
        status: 'PENDING',
        execution_mode: 'LOCAL_NATIVE',
        target_paths: ['src/legacy.ts'],
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .updateTable('refactor_jobs')
      .set({ status: 'ANALYZING' })
      .where('id', '=', job.id)
      .execute();
    await db
      .updateTable('refactor_jobs')
      .set({ status: 'FAILED', failure_reason: 'BASELINE_VALIDATION_FAILED' })
      .where('id', '=', job.id)
      .execute();
    await db
      .insertInto('job_events')
      .values({
        job_id: job.id,
        event_type: 'log',
        payload: {
          event: 'log',
          message: `provider said 401 for key ${AWS_KEY}`,
          api_key: 'plain-secret-value',
          source_files: [
            { path: 'src/legacy.ts', content: 'export function secretSauce() { return 42; }' },
          ],
        },
      })
      .execute();
    return job.id;
  }

  const post = (u: TestUser, payload: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/support/tickets', headers: u.headers, payload });

  before(async () => {
    zd = await fakeZendesk();
    t = await createTestApp({
      operator: {
        ticketing: zendeskTicketing({
          baseUrl: zd.url,
          email: 'ops@iama.example.test',
          apiToken: 'zendesk-token-123',
        }),
      },
    });
    pro = await createTestUser(t.scratch.db, { tier: 'PRO' });
    other = await createTestUser(t.scratch.db, { tier: 'PRO' });
    enterprise = await createTestUser(t.scratch.db, { tier: 'ENTERPRISE' });
  });
  after(async () => {
    await t.close();
    await zd.close();
  });

  void it('V1-FR-SUP-001/002/003/004: with consent the ticket carries ids, timeline and a redacted log attachment; consent is recorded', async () => {
    const jobId = await failedJob(pro.userId);
    zd.requests.length = 0;
    const res = await post(pro, {
      job_id: jobId,
      issue_type: 'JOB_FAILED',
      description: `It failed. My token is ${GH_TOKEN}, mail me at dev@example.com`,
      consent_to_share_logs: true,
    });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json<{ ticket_id: string; external_ticket_id: string; created_at: string }>();
    assert.deepEqual(
      zd.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`),
      ['POST /api/v2/uploads.json', 'POST /api/v2/tickets.json'],
    );
    assert.equal(
      zd.requests[1]!.authorization,
      `Basic ${Buffer.from('ops@iama.example.test/token:zendesk-token-123').toString('base64')}`,
    );
    const ticket = JSON.parse(zd.requests[1]!.body) as {
      ticket: {
        subject: string;
        external_id: string;
        tags: string[];
        comment: { body: string; uploads: string[] };
      };
    };
    assert.equal(ticket.ticket.external_id, body.ticket_id);
    assert.equal(String(JSON.parse(zd.requests[1]!.body).ticket.comment.uploads.length), '1');
    assert.ok(ticket.ticket.comment.body.includes(jobId));
    assert.match(
      ticket.ticket.comment.body,
      /PENDING[\s\S]*ANALYZING[\s\S]*FAILED/,
      'status timeline in order',
    );
    assert.ok(ticket.ticket.tags.includes('with_context'));
    const everything = zd.requests.map((r) => r.body).join('\n');
    for (const leaked of [
      GH_TOKEN,
      AWS_KEY,
      'plain-secret-value',
      'dev@example.com',
      'secretSauce',
      'zendesk-token-123',
    ])
      assert.ok(!everything.includes(leaked), `${leaked} left IAMA`);
    assert.ok(everything.includes('[REDACTED:'), 'redaction markers present');

    const row = await t.scratch.db
      .selectFrom('support_ticket_logs')
      .selectAll()
      .where('id', '=', body.ticket_id)
      .executeTakeFirstOrThrow();
    assert.equal(row.external_ticket_id, body.external_ticket_id);
    assert.equal(row.consent_given, true);
    assert.equal(row.payload_mode, 'WITH_CONTEXT');
    assert.equal(row.job_id, jobId);
    const audit = await t.scratch.db
      .selectFrom('audit_events')
      .selectAll()
      .where('event_type', '=', 'support.ticket_created')
      .where('job_id', '=', jobId)
      .executeTakeFirstOrThrow();
    assert.equal(audit.actor_id, pro.userId);
    assert.equal((audit.metadata as Record<string, unknown>).ticket_id, body.ticket_id);
  });

  void it('V1-FR-SUP-004: without consent the ticket is metadata only: no attachment, code blocks removed', async () => {
    const jobId = await failedJob(pro.userId);
    zd.requests.length = 0;
    const res = await post(pro, {
      job_id: jobId,
      issue_type: 'OTHER',
      description: 'see:\n```ts\nconst hidden = computeSecretThing();\n```',
      consent_to_share_logs: false,
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual(
      zd.requests.map((r) => r.path),
      ['/api/v2/tickets.json'],
    );
    assert.ok(!zd.requests[0]!.body.includes('computeSecretThing'));
    assert.ok(!zd.requests[0]!.body.includes(AWS_KEY));
    const row = await t.scratch.db
      .selectFrom('support_ticket_logs')
      .selectAll()
      .where('id', '=', res.json<{ ticket_id: string }>().ticket_id)
      .executeTakeFirstOrThrow();
    assert.deepEqual([row.consent_given, row.payload_mode], [false, 'METADATA_ONLY']);
  });

  void it('V1-FR-SUP-005: Enterprise defaults to metadata only despite consent; the org admin override enables context and is audited', async () => {
    const org = await t.scratch.db
      .insertInto('organizations')
      .values({ name: 'Acme', owner_id: enterprise.userId, tier: 'ENTERPRISE' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const jobId = await failedJob(enterprise.userId);
    zd.requests.length = 0;
    const first = await post(enterprise, {
      job_id: jobId,
      issue_type: 'JOB_FAILED',
      consent_to_share_logs: true,
    });
    assert.equal(first.statusCode, 201);
    assert.deepEqual(
      zd.requests.map((r) => r.path),
      ['/api/v2/tickets.json'],
      'no attachment',
    );
    const r1 = await t.scratch.db
      .selectFrom('support_ticket_logs')
      .select('payload_mode')
      .where('id', '=', first.json<{ ticket_id: string }>().ticket_id)
      .executeTakeFirstOrThrow();
    assert.equal(r1.payload_mode, 'METADATA_ONLY');

    await t.scratch.db
      .updateTable('organizations')
      .set({ support_payload_mode: 'WITH_CONTEXT' })
      .where('id', '=', org.id)
      .execute();
    zd.requests.length = 0;
    const second = await post(enterprise, {
      job_id: jobId,
      issue_type: 'JOB_FAILED',
      consent_to_share_logs: true,
    });
    assert.equal(second.statusCode, 201);
    assert.equal(zd.requests.length, 2, 'attachment + ticket');
    const audit = await t.scratch.db
      .selectFrom('audit_events')
      .select('metadata')
      .where('event_type', '=', 'support.ticket_created')
      .where('job_id', '=', jobId)
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    assert.equal((audit.metadata as Record<string, unknown>).context_sharing_override, true);
  });

  void it("§13 invariant 2: another user's job is JOB_OWNERSHIP_VIOLATION, an unknown job JOB_NOT_FOUND; nothing is sent or written", async () => {
    const jobId = await failedJob(pro.userId);
    zd.requests.length = 0;
    const before = (await t.scratch.db.selectFrom('support_ticket_logs').select('id').execute())
      .length;
    const foreign = await post(other, {
      job_id: jobId,
      issue_type: 'JOB_FAILED',
      consent_to_share_logs: true,
    });
    assert.equal(foreign.statusCode, 403);
    assert.equal(foreign.json<{ error_code: string }>().error_code, 'JOB_OWNERSHIP_VIOLATION');
    const missing = await post(pro, {
      job_id: '00000000-0000-4000-8000-000000000000',
      issue_type: 'JOB_FAILED',
      consent_to_share_logs: true,
    });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json<{ error_code: string }>().error_code, 'JOB_NOT_FOUND');
    for (const bad of [
      { job_id: jobId, issue_type: 'JOB_FAILED' },
      { job_id: jobId, issue_type: 'PANIC', consent_to_share_logs: true },
      { job_id: 'x', issue_type: 'OTHER', consent_to_share_logs: false },
    ]) {
      const res = await post(pro, bad);
      assert.equal(res.statusCode, 400, JSON.stringify(bad));
      assert.equal(res.json<{ error_code: string }>().error_code, 'VALIDATION_FAILED');
    }
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/api/v1/support/tickets',
      payload: { job_id: jobId, issue_type: 'OTHER', consent_to_share_logs: false },
    });
    assert.equal(anonymous.statusCode, 401);
    assert.equal(zd.requests.length, 0);
    assert.equal(
      (await t.scratch.db.selectFrom('support_ticket_logs').select('id').execute()).length,
      before,
    );
  });

  void it('a provider failure answers 500 INTERNAL_ERROR and records nothing; the retry succeeds', async () => {
    const jobId = await failedJob(pro.userId);
    const count = async () =>
      (
        await t.scratch.db
          .selectFrom('support_ticket_logs')
          .select('id')
          .where('job_id', '=', jobId)
          .execute()
      ).length;
    zd.setFailing(true);
    try {
      const res = await post(pro, {
        job_id: jobId,
        issue_type: 'BILLING_ISSUE',
        consent_to_share_logs: false,
      });
      assert.equal(res.statusCode, 500);
      assert.equal(res.json<{ error_code: string }>().error_code, 'INTERNAL_ERROR');
      assert.equal(await count(), 0);
    } finally {
      zd.setFailing(false);
    }
    assert.equal(
      (
        await post(pro, {
          job_id: jobId,
          issue_type: 'BILLING_ISSUE',
          consent_to_share_logs: false,
        })
      ).statusCode,
      201,
    );
    assert.equal(await count(), 1);
  });
});

void describe('redaction and payload policy (V1-FR-SUP-003, V1-FR-SUP-005; pure)', () => {
  void it('secrets, bearer tokens, JWTs and emails are masked; credential-named properties dropped; placeholders kept', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLXZhbHVl';
    const text = redactText(
      `aws ${AWS_KEY} gh ${GH_TOKEN} auth: Bearer abcdefghijklmnop jwt ${jwt} mail a.b@example.org`,
    );
    for (const s of [AWS_KEY, GH_TOKEN, 'abcdefghijklmnop', jwt, 'a.b@example.org'])
      assert.ok(!text.includes(s), s);
    assert.deepEqual(
      redactValue({ password: 'hunter2hunter2', nested: [{ note: `k=${AWS_KEY}` }], count: 3 }),
      { password: '[REDACTED]', nested: [{ note: 'k=[REDACTED:aws-access-key-id]' }], count: 3 },
    );
    assert.equal(redactText('no secrets here, status FAILED'), 'no secrets here, status FAILED');
    assert.ok(!metadataOnlyText('a\n```\nsecret code\n```\nb').includes('secret code'));
  });

  void it('payload mode: no consent → metadata; Enterprise/org → org setting; others with consent → context', () => {
    assert.equal(payloadModeFor({ consent: false, tier: 'PRO', orgMode: null }), 'METADATA_ONLY');
    assert.equal(payloadModeFor({ consent: true, tier: 'PRO', orgMode: null }), 'WITH_CONTEXT');
    assert.equal(
      payloadModeFor({ consent: true, tier: 'ENTERPRISE', orgMode: null }),
      'METADATA_ONLY',
    );
    assert.equal(
      payloadModeFor({ consent: true, tier: 'ENTERPRISE', orgMode: 'METADATA_ONLY' }),
      'METADATA_ONLY',
    );
    assert.equal(
      payloadModeFor({ consent: true, tier: 'ENTERPRISE', orgMode: 'WITH_CONTEXT' }),
      'WITH_CONTEXT',
    );
    assert.equal(
      payloadModeFor({ consent: false, tier: 'ENTERPRISE', orgMode: 'WITH_CONTEXT' }),
      'METADATA_ONLY',
    );
    assert.equal(
      payloadModeFor({ consent: true, tier: 'MAX', orgMode: 'METADATA_ONLY' }),
      'METADATA_ONLY',
    );
  });
});
