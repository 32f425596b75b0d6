/**
 * @module The `Local Docker` profile's availability and its graceful degrade (V1-FR-SBX-001/003,
 * ARCHITECTURE D8): the real `docker` CLI is asked for the server version; when the CLI is missing
 * or the daemon unreachable, the answer is a decision to run `Local Native` instead, which the
 * user must consent to. Nothing falls back silently.
 */
import { execFile } from 'node:child_process';

export type DockerStatus =
  | { available: true; server_version: string }
  | { available: false; reason: 'CLI_NOT_FOUND' | 'DAEMON_UNREACHABLE'; detail: string };

/**
 * @example const status = await detectDocker()
 */
export function detectDocker(
  opts: { dockerPath?: string; timeoutMs?: number } = {},
): Promise<DockerStatus> {
  return new Promise((resolve) => {
    execFile(
      opts.dockerPath ?? 'docker',
      ['version', '--format', '{{.Server.Version}}'],
      { timeout: opts.timeoutMs ?? 10_000, env: { ...process.env, LC_ALL: 'C' } },
      (err, stdout, stderr) => {
        const e = err as NodeJS.ErrnoException | null;
        if (e?.code === 'ENOENT')
          return resolve({ available: false, reason: 'CLI_NOT_FOUND', detail: e.message });
        const version = stdout.trim();
        if (e || version === '')
          return resolve({
            available: false,
            reason: 'DAEMON_UNREACHABLE',
            detail: (stderr.trim() || e?.message || 'no server version').slice(0, 500),
          });
        resolve({ available: true, server_version: version });
      },
    );
  });
}

export type ExecutionProfile = 'LOCAL_DOCKER' | 'LOCAL_NATIVE';

export type ProfileDecision =
  | { kind: 'RUN'; execution_mode: ExecutionProfile }
  | {
      kind: 'DEGRADE_TO_NATIVE_REQUIRES_CONSENT';
      requested: 'LOCAL_DOCKER';
      reason: 'CLI_NOT_FOUND' | 'DAEMON_UNREACHABLE';
      detail: string;
    };

/**
 * @example decideProfile('LOCAL_DOCKER', await detectDocker()) // degrade decision when no engine
 */
export function decideProfile(preferred: ExecutionProfile, docker: DockerStatus): ProfileDecision {
  if (preferred === 'LOCAL_NATIVE') return { kind: 'RUN', execution_mode: 'LOCAL_NATIVE' };
  if (docker.available) return { kind: 'RUN', execution_mode: 'LOCAL_DOCKER' };
  return {
    kind: 'DEGRADE_TO_NATIVE_REQUIRES_CONSENT',
    requested: 'LOCAL_DOCKER',
    reason: docker.reason,
    detail: docker.detail,
  };
}

/**
 * The user's answer to the degrade prompt; declining cancels instead of failing the job start
 * (the job can wait for Docker or a profile change).
 */
export function resolveDegradeConsent(
  decision: ProfileDecision,
  consent: boolean,
): { kind: 'RUN'; execution_mode: ExecutionProfile } | { kind: 'CANCELLED' } {
  if (decision.kind === 'RUN') return decision;
  return consent ? { kind: 'RUN', execution_mode: 'LOCAL_NATIVE' } : { kind: 'CANCELLED' };
}
