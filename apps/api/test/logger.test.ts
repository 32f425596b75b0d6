/**
 * ARCHITECTURE §5, V1-FR-SEC-002, V1-FR-AUTH-002: request logs carry neither bearer tokens nor
 * query strings (OAuth `code`/`state`), nor secret-looking body fields.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import Fastify from 'fastify';
import { loggerOptions } from '../src/logger';

function appLoggingTo(lines: string[]) {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const options = loggerOptions('info');
  const app = Fastify({ logger: { ...(options as object), stream } });
  app.get('/callback', async () => ({ ok: true }));
  app.post('/echo', async (req) => {
    req.log.info({ body: req.body }, 'received');
    return { ok: true };
  });
  return app;
}

void test('V1-FR-AUTH-002: the OAuth callback query (code, state) and the bearer token never reach the log', async () => {
  const lines: string[] = [];
  const app = appLoggingTo(lines);
  const res = await app.inject({
    method: 'GET',
    url: '/callback?code=oauth-code-123&state=signed-state-456',
    headers: { authorization: 'Bearer access-token-789' },
  });
  assert.equal(res.statusCode, 200);
  await app.close();
  const log = lines.join('\n');
  assert.match(log, /"path":"\/callback"/, 'the path is still logged');
  for (const secret of ['oauth-code-123', 'signed-state-456', 'access-token-789'])
    assert.doesNotMatch(log, new RegExp(secret));
});

void test('V1-FR-SEC-002 failure path: a logged body with password, token and source fields is redacted', async () => {
  const lines: string[] = [];
  const app = appLoggingTo(lines);
  await app.inject({
    method: 'POST',
    url: '/echo',
    payload: { password: 'hunter2', refresh_token: 'rt-1', source: 'function f() {}' },
  });
  await app.close();
  const log = lines.join('\n');
  assert.match(log, /\[redacted\]/);
  for (const secret of ['hunter2', 'rt-1', 'function f'])
    assert.doesNotMatch(log, new RegExp(secret));
});
