/** @module Tests of the stack's port helpers (issue #2: clear start-up errors). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { PortInUseError, assertPortFree, getFreePort } from '../src/ports';

void test('issue #2: getFreePort returns a bindable port and assertPortFree accepts it', async () => {
  const port = await getFreePort();
  assert.ok(port > 0 && port < 65536);
  await assertPortFree(port, 'Temporal', 'TEMPORAL_ADDRESS');
});

void test('issue #2 failure path: a port in use gives one actionable line naming the service and the variable', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    await assert.rejects(assertPortFree(port, 'Temporal', 'TEMPORAL_ADDRESS'), (err: unknown) => {
      assert.ok(err instanceof PortInUseError);
      assert.equal(
        err.message,
        `Port ${port} (Temporal) is already in use: stop the process using it or set TEMPORAL_ADDRESS`,
      );
      assert.equal(err.code, 'PORT_IN_USE');
      return true;
    });
    await assert.rejects(assertPortFree(port, 'API'), {
      message: `Port ${port} (API) is already in use: stop the process using it`,
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

void test('issue #2 failure path: a listener on all interfaces also counts as in use', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    await assert.rejects(assertPortFree(port, 'PostgreSQL', 'DATABASE_URL'), PortInUseError);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
