/**
 * @module The `Local Docker` run (V1-FR-SBX-001, ARCHITECTURE D8): the same runner command, executed
 * by the real `docker` CLI in a throw-away container with no network, the sandbox copy mounted at the
 * same absolute path (so result files and locations read exactly as in a Native run). Killing the
 * CLI process does not stop a container, so every run has a name and a timeout removes it by name.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { TestFramework } from '../frameworks/detect';

/** Public images per ecosystem; the user's setting can name any other image. */
export const DEFAULT_DOCKER_IMAGES: Record<TestFramework, string> = {
  'node:test': 'node:20-slim',
  jest: 'node:20-slim',
  vitest: 'node:20-slim',
  pytest: 'python:3.11-slim',
  unittest: 'python:3.11-slim',
  'junit-maven': 'maven:3.9-eclipse-temurin-17',
  'junit-gradle': 'gradle:8-jdk17',
};

export type DockerRun = { command: string; args: string[]; containerName: string };

/**
 * @example dockerWrap({ command: 'node', args: ['--test'] }, { dir: '/tmp/iama-sandbox-x', image: 'node:20-slim' })
 */
export function dockerWrap(
  inner: { command: string; args: readonly string[] },
  opts: { dir: string; image: string; dockerPath?: string; containerName?: string },
): DockerRun {
  const containerName = opts.containerName ?? `iama-test-${randomUUID()}`;
  return {
    command: opts.dockerPath ?? 'docker',
    containerName,
    args: [
      'run',
      '--rm',
      '--name',
      containerName,
      '--network',
      'none',
      '--volume',
      `${opts.dir}:${opts.dir}`,
      '--workdir',
      opts.dir,
      '--user',
      `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`,
      opts.image,
      inner.command,
      ...inner.args,
    ],
  };
}

/** Best effort: the container may already be gone. */
export function removeContainer(name: string, dockerPath = 'docker'): Promise<void> {
  return new Promise((resolve) => {
    execFile(dockerPath, ['rm', '--force', name], { timeout: 15_000 }, () => resolve());
  });
}
