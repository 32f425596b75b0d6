/**
 * @module The embedded PostgreSQL helper (issue #2; ARCHITECTURE D4): real binaries running as
 * the `postgres` user although tests run as root, data that survives a restart, a stop that leaves
 * no process, and one-line errors for a busy port, a foreign data directory and an unreachable
 * server.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { connectClient, DatabaseUnreachableError, waitForDatabase } from '../src/connect';
import { freePort, startEmbeddedPostgres } from '../src/embedded';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'iama-embedded-'));
  dirs.push(dir);
  return dir;
};

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

void describe('embedded PostgreSQL (issue #2; ARCHITECTURE D4)', () => {
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  void it('D4: initialises an empty directory once, keeps data across a restart, and stop() leaves no process', async () => {
    const dataDir = join(tempDir(), 'pg');
    const port = await freePort();
    const first = await startEmbeddedPostgres({ dataDir, port, user: 'owner', password: 'pw' });
    assert.equal(first.url, `postgres://owner:pw@127.0.0.1:${port}/iama`);
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    assert.ok(isRunning(pid));
    const client = await connectClient(first.url);
    const who = await client.query<{ user: string }>('select current_user as user');
    assert.equal(who.rows[0]!.user, 'owner');
    await client.query(`create table kept (v text); insert into kept values ('survives')`);
    await client.end();
    await first.stop();
    await first.stop(); // idempotent
    assert.equal(isRunning(pid), false, 'the postmaster is gone');
    assert.equal(existsSync(join(dataDir, 'postmaster.pid')), false);

    const second = await startEmbeddedPostgres({ dataDir, port, user: 'owner', password: 'pw' });
    try {
      await waitForDatabase(second.url, 5_000);
      const again = await connectClient(second.url);
      const kept = await again.query<{ v: string }>('select v from kept');
      await again.end();
      assert.deepEqual(kept.rows, [{ v: 'survives' }]);
    } finally {
      await second.stop();
    }
  });

  void it('failure path: a port already in use fails at once with one line naming the port', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen({ port: 0, host: '127.0.0.1' }, resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await assert.rejects(startEmbeddedPostgres({ dataDir: join(tempDir(), 'pg'), port, password: 'hunter2' }), (err: Error) => {
        assert.equal(err.name, 'EmbeddedPostgresError');
        assert.equal(err.message, `Cannot start embedded PostgreSQL: port ${port} is already in use (choose another port or stop what listens on it)`);
        return true;
      });
    } finally {
      blocker.close();
    }
  });

  void it('failure path: a non-empty directory that holds no cluster is refused, not overwritten', async () => {
    const dataDir = join(tempDir(), 'pg');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'notes.txt'), 'mine');
    await assert.rejects(startEmbeddedPostgres({ dataDir, port: await freePort() }), {
      name: 'EmbeddedPostgresError',
      message: `Cannot initialise embedded PostgreSQL: ${dataDir} is not empty and holds no PostgreSQL cluster`,
    });
    assert.equal(readFileSync(join(dataDir, 'notes.txt'), 'utf8'), 'mine');
  });

  void it('failure path: waitForDatabase on an unreachable DATABASE_URL gives up after its timeout with one line and no password', async () => {
    const port = await freePort();
    const began = Date.now();
    await assert.rejects(waitForDatabase(`postgres://u:s3cret@127.0.0.1:${port}/iama`, 600), (err: Error) => {
      assert.ok(err instanceof DatabaseUnreachableError);
      assert.equal(
        err.message,
        `Cannot reach PostgreSQL at 127.0.0.1:${port} (ECONNREFUSED): check DATABASE_URL or unset it to use the embedded server`,
      );
      return true;
    });
    assert.ok(Date.now() - began >= 600);
  });
});
