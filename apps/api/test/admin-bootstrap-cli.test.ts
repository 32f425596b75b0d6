/**
 * The bootstrap SUPER_ADMIN script (issue #5; API_CONTRACT §6 "SUPER_ADMIN cannot be created via
 * API; bootstrap only"; V1-FR-OPS-001) as a real process against a scratch PostgreSQL database:
 * idempotent, refuses incomplete or weak configuration, never prints the password.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { base32Decode } from '../src/admin/totp';
import { createScratchDb, type ScratchDb } from './support/db';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../src/admin/bootstrap-cli.ts', import.meta.url));

async function cli(env: Record<string, string>, args: string[] = []) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', CLI, ...args], {
      env: { PATH: process.env.PATH!, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

void describe('bootstrap-cli (API_CONTRACT §6 bootstrap SUPER_ADMIN)', () => {
  let scratch: ScratchDb;
  before(async () => (scratch = await createScratchDb()));
  after(() => scratch.drop());

  void it('--new-totp-secret prints a 160-bit base32 secret and its otpauth URI', async () => {
    const res = await cli({}, ['--new-totp-secret']);
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout) as { totp_secret: string; otpauth_uri: string };
    assert.equal(base32Decode(out.totp_secret).length, 20);
    assert.ok(out.otpauth_uri.startsWith('otpauth://totp/'));
  });

  void it('creates the account once; a second run reports created: false; the password is never printed', async () => {
    const env = {
      DATABASE_URL: scratch.url,
      IAMA_ADMIN_BOOTSTRAP_EMAIL: 'Root@Ops.Example.Test',
      IAMA_ADMIN_BOOTSTRAP_PASSWORD: 'cli-bootstrap-password',
      IAMA_ADMIN_BOOTSTRAP_TOTP_SECRET: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
    };
    const first = await cli(env);
    assert.equal(first.code, 0, first.stderr);
    const a = JSON.parse(first.stdout) as { admin_id: string; email: string; created: boolean };
    assert.deepEqual([a.email, a.created], ['root@ops.example.test', true]);
    const second = await cli(env);
    assert.deepEqual(JSON.parse(second.stdout), { ...a, created: false });
    assert.ok(!(first.stdout + second.stdout + first.stderr).includes('cli-bootstrap-password'));
    const rows = await scratch.db
      .selectFrom('admin_accounts')
      .select(['id', 'role', 'created_by'])
      .execute();
    assert.deepEqual(rows, [{ id: a.admin_id, role: 'SUPER_ADMIN', created_by: null }]);
  });

  void it('incomplete or weak configuration is refused without writing', async () => {
    const partial = await cli({
      DATABASE_URL: scratch.url,
      IAMA_ADMIN_BOOTSTRAP_EMAIL: 'x@ops.example.test',
    });
    assert.equal(partial.code, 1);
    assert.match(partial.stderr, /together/);
    const weak = await cli({
      DATABASE_URL: scratch.url,
      IAMA_ADMIN_BOOTSTRAP_EMAIL: 'x@ops.example.test',
      IAMA_ADMIN_BOOTSTRAP_PASSWORD: 'short',
      IAMA_ADMIN_BOOTSTRAP_TOTP_SECRET: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
    });
    assert.equal(weak.code, 1);
    assert.match(weak.stderr, /12 characters/);
    const shortSecret = await cli({
      DATABASE_URL: scratch.url,
      IAMA_ADMIN_BOOTSTRAP_EMAIL: 'x@ops.example.test',
      IAMA_ADMIN_BOOTSTRAP_PASSWORD: 'long-enough-password',
      IAMA_ADMIN_BOOTSTRAP_TOTP_SECRET: 'JBSWY3DP',
    });
    assert.equal(shortSecret.code, 1);
    assert.match(shortSecret.stderr, /128 bits/);
    assert.equal((await cli({})).code, 2);
    const rows = await scratch.db
      .selectFrom('admin_accounts')
      .select('email')
      .where('email', '=', 'x@ops.example.test')
      .execute();
    assert.deepEqual(rows, []);
  });
});
