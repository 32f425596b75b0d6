/**
 * @module Side-effect acknowledgement, VCS checkpoint (real `git` on real repositories) and the
 * Local Docker degrade with the real `docker` CLI (issue #7; V1-FR-SBX-001, V1-FR-SBX-003,
 * V1-FR-SBX-006; ARCHITECTURE D8).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { testReportRequestSchema } from '@iama/contracts';
import {
  acknowledgeNativeSideEffects,
  authorizeNativeRun,
  checkVcsCheckpoint,
  decideProfile,
  detectDocker,
  dockerWrap,
  runLocalTests,
  hasAcknowledgedNativeSideEffects,
  localRunPreflight,
  resolveDegradeConsent,
} from '../src/index';

const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const git = (cwd: string, ...args: string[]) =>
  execFileSync(
    'git',
    ['-c', 'user.name=IAMA Test', '-c', 'user.email=test@iama.invalid', ...args],
    {
      cwd,
      stdio: 'pipe',
    },
  );

function repo(): string {
  const dir = tempDir('iama-vcs-');
  git(dir, 'init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'a.js'), 'module.exports = 1;\n');
  git(dir, 'add', 'a.js');
  git(dir, 'commit', '-q', '-m', 'init');
  return dir;
}

void describe('V1-FR-SBX-006: side-effect acknowledgement on first use', () => {
  void it('is absent in a fresh state dir, persisted once given', () => {
    const state = tempDir('iama-state-');
    assert.equal(hasAcknowledgedNativeSideEffects(state), false);
    acknowledgeNativeSideEffects(state, new Date('2026-01-02T03:04:05Z'));
    assert.equal(hasAcknowledgedNativeSideEffects(state), true);
  });
  void it('a corrupt state file counts as not acknowledged (ask again)', () => {
    const state = tempDir('iama-state-');
    writeFileSync(join(state, 'client-state.json'), '{not json');
    assert.equal(hasAcknowledgedNativeSideEffects(state), false);
  });
});

void describe('V1-FR-SBX-006: VCS checkpoint before a Native run', () => {
  void it('clean repository: allowed without questions', async () => {
    const cp = await checkVcsCheckpoint(repo());
    assert.equal(cp.kind, 'CLEAN');
    assert.deepEqual(authorizeNativeRun(cp), { allowed: true });
  });

  void it('dirty repository: LOCAL_NATIVE_NO_VCS_CHECKPOINT until the user explicitly continues', async () => {
    const dir = repo();
    writeFileSync(join(dir, 'a.js'), 'module.exports = 2;\n');
    writeFileSync(join(dir, 'new.js'), '1;\n');
    const cp = await checkVcsCheckpoint(dir);
    assert.equal(cp.kind, 'NO_CHECKPOINT');
    if (cp.kind !== 'NO_CHECKPOINT') return;
    assert.equal(cp.error_code, 'LOCAL_NATIVE_NO_VCS_CHECKPOINT');
    assert.deepEqual(cp.changed_paths.sort(), ['a.js', 'new.js']);
    assert.deepEqual(authorizeNativeRun(cp), {
      allowed: false,
      error_code: 'LOCAL_NATIVE_NO_VCS_CHECKPOINT',
      needs: 'CONTINUE_OR_CANCEL',
    });
    assert.deepEqual(authorizeNativeRun(cp, { continueWithoutCheckpoint: true }), {
      allowed: true,
    });
    // Committing gives the checkpoint back.
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'wip');
    assert.equal((await checkVcsCheckpoint(dir)).kind, 'CLEAN');
  });

  void it('repository without any commit has no checkpoint', async () => {
    const dir = tempDir('iama-vcs-');
    git(dir, 'init', '-q');
    const cp = await checkVcsCheckpoint(dir);
    assert.equal(cp.kind, 'NO_CHECKPOINT');
    if (cp.kind === 'NO_CHECKPOINT') assert.equal(cp.head, null);
  });

  void it('no repository: elevated warning and a second confirmation', async () => {
    const cp = await checkVcsCheckpoint(tempDir('iama-novcs-'));
    assert.equal(cp.kind, 'NO_REPOSITORY');
    if (cp.kind !== 'NO_REPOSITORY') return;
    assert.equal(cp.severity, 'ELEVATED');
    assert.equal(authorizeNativeRun(cp).allowed, false);
    assert.deepEqual(authorizeNativeRun(cp, { noRepositoryConfirmations: 1 }), {
      allowed: false,
      error_code: 'LOCAL_NATIVE_NO_VCS_CHECKPOINT',
      needs: 'SECOND_CONFIRMATION',
    });
    assert.deepEqual(authorizeNativeRun(cp, { noRepositoryConfirmations: 2 }), { allowed: true });
  });

  void it('git not installed is treated as no repository, with the reason', async () => {
    const cp = await checkVcsCheckpoint(repo(), { gitPath: '/nonexistent/git' });
    assert.equal(cp.kind, 'NO_REPOSITORY');
    assert.equal('reason' in cp && cp.reason, 'GIT_NOT_FOUND');
  });
});

void describe('V1-FR-SBX-001/003, D8: Local Docker degrades to Local Native only with consent', () => {
  void it('the real docker CLI finds no engine on this machine: degrade decision, not a failure', async () => {
    const status = await detectDocker();
    assert.equal(status.available, false, 'D8: build machines have no Docker engine');
    const decision = decideProfile('LOCAL_DOCKER', status);
    assert.equal(decision.kind, 'DEGRADE_TO_NATIVE_REQUIRES_CONSENT');
    assert.deepEqual(resolveDegradeConsent(decision, true), {
      kind: 'RUN',
      execution_mode: 'LOCAL_NATIVE',
    });
    assert.deepEqual(resolveDegradeConsent(decision, false), { kind: 'CANCELLED' });
  });

  void it('a missing CLI is named as such', async () => {
    const status = await detectDocker({ dockerPath: '/nonexistent/docker' });
    assert.deepEqual(
      { available: status.available, reason: 'reason' in status ? status.reason : null },
      { available: false, reason: 'CLI_NOT_FOUND' },
    );
  });

  void it('choosing Native needs no Docker at all; an available engine keeps Docker', () => {
    const missing = { available: false, reason: 'CLI_NOT_FOUND', detail: '' } as const;
    assert.deepEqual(decideProfile('LOCAL_NATIVE', missing), {
      kind: 'RUN',
      execution_mode: 'LOCAL_NATIVE',
    });
    assert.deepEqual(decideProfile('LOCAL_DOCKER', { available: true, server_version: '27.0.0' }), {
      kind: 'RUN',
      execution_mode: 'LOCAL_DOCKER',
    });
  });
});

void describe('V1-FR-SBX-001, D8: Local Docker runs through the real docker CLI', () => {
  void it('the container has no network, the sandbox at the same path, and a name to remove it by', () => {
    const run = dockerWrap(
      { command: 'node', args: ['--test', 'a.test.js'] },
      { dir: '/tmp/iama-sandbox-x', image: 'node:20-slim', containerName: 'iama-test-1' },
    );
    assert.equal(run.command, 'docker');
    const a = run.args;
    assert.deepEqual(a.slice(0, 4), ['run', '--rm', '--name', 'iama-test-1']);
    assert.equal(a[a.indexOf('--network') + 1], 'none');
    assert.equal(a[a.indexOf('--volume') + 1], '/tmp/iama-sandbox-x:/tmp/iama-sandbox-x');
    assert.deepEqual(a.slice(-4), ['node:20-slim', 'node', '--test', 'a.test.js']);
  });

  void it('without an engine the Docker run is an infra error reported as LOCAL_DOCKER, never a test failure', async () => {
    const ws = tempDir('iama-ws-');
    const request = {
      test_run_id: '0b4f3f0e-5d1c-4c59-9f0e-2d3c8e7a1b02',
      attempt_number: 0,
      framework: 'node:test',
      source_files: [],
      test_files: [{ path: 't.test.js', content: "require('node:test')('x', () => {});\n" }],
      timeout_seconds: 30,
    };
    const noEngine = await runLocalTests(request, {
      workspaceRoot: ws,
      executionMode: 'LOCAL_DOCKER',
    });
    testReportRequestSchema.parse(noEngine);
    assert.equal(noEngine.execution_mode, 'LOCAL_DOCKER');
    assert.equal(noEngine.timed_out, false);
    assert.match(noEngine.infra_error ?? '', /docker/i);
    const noCli = await runLocalTests(request, {
      workspaceRoot: ws,
      executionMode: 'LOCAL_DOCKER',
      docker: { dockerPath: '/nonexistent/docker' },
    });
    assert.match(noCli.infra_error ?? '', /could not start/);
  });
});

void describe('V1-FR-SBX-003/006: the questions before a local run, as data', () => {
  void it('Docker preferred without an engine on a dirty repo, first use: degrade, acknowledge, checkpoint', async () => {
    const dir = repo();
    writeFileSync(join(dir, 'a.js'), 'changed;\n');
    const state = tempDir('iama-state-');
    const p = await localRunPreflight({
      workspaceRoot: dir,
      stateDir: state,
      preferred: 'LOCAL_DOCKER',
    });
    assert.equal(p.execution_mode, 'LOCAL_NATIVE');
    assert.deepEqual(
      p.questions.map((q) => q.kind),
      ['DOCKER_DEGRADE', 'NATIVE_SIDE_EFFECTS', 'VCS_CHECKPOINT'],
    );
  });

  void it('Native on a clean repo after acknowledgement: nothing to ask', async () => {
    const state = tempDir('iama-state-');
    acknowledgeNativeSideEffects(state);
    const p = await localRunPreflight({
      workspaceRoot: repo(),
      stateDir: state,
      preferred: 'LOCAL_NATIVE',
    });
    assert.deepEqual(p.questions, []);
    assert.equal(p.checkpoint?.kind, 'CLEAN');
  });

  void it('Docker available: no Native questions at all', async () => {
    const p = await localRunPreflight({
      workspaceRoot: tempDir('iama-novcs-'),
      stateDir: tempDir('iama-state-'),
      preferred: 'LOCAL_DOCKER',
      docker: { available: true, server_version: '27.0.0' },
    });
    assert.deepEqual(p, { execution_mode: 'LOCAL_DOCKER', questions: [], checkpoint: null });
  });
});
