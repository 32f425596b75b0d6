/**
 * @module Everything the user must answer before a local test run, gathered once per job (and again
 * on resume into Native mode, V1-FR-SBX-006): the Docker degrade consent (V1-FR-SBX-003), the
 * first-use side-effect acknowledgement and the VCS checkpoint. Returned as data; the CLI or the
 * extension words and asks the questions, in this order.
 */
import {
  decideProfile,
  detectDocker,
  type DockerStatus,
  type ExecutionProfile,
  type ProfileDecision,
} from '../docker/docker-profile';
import { hasAcknowledgedNativeSideEffects } from '../state/client-state';
import { checkVcsCheckpoint, type VcsCheckpoint } from '../vcs/checkpoint';

export type PreflightQuestion =
  | {
      kind: 'DOCKER_DEGRADE';
      decision: Extract<ProfileDecision, { kind: 'DEGRADE_TO_NATIVE_REQUIRES_CONSENT' }>;
    }
  | { kind: 'NATIVE_SIDE_EFFECTS' }
  | { kind: 'VCS_CHECKPOINT'; checkpoint: Exclude<VcsCheckpoint, { kind: 'CLEAN' }> };

export type Preflight = {
  /** What runs if every question is answered yes. */
  execution_mode: ExecutionProfile;
  questions: PreflightQuestion[];
  /** Kept for wording (branch, HEAD) even when nothing needs asking. */
  checkpoint: VcsCheckpoint | null;
};

/**
 * @example const p = await localRunPreflight({ workspaceRoot, stateDir, preferred: 'LOCAL_DOCKER' })
 */
export async function localRunPreflight(opts: {
  workspaceRoot: string;
  stateDir: string;
  preferred: ExecutionProfile;
  /** Injected only to reuse a detection already made; the default asks the real CLI. */
  docker?: DockerStatus;
  gitPath?: string;
}): Promise<Preflight> {
  const questions: PreflightQuestion[] = [];
  let mode = opts.preferred;
  if (opts.preferred === 'LOCAL_DOCKER') {
    const decision = decideProfile('LOCAL_DOCKER', opts.docker ?? (await detectDocker()));
    if (decision.kind === 'DEGRADE_TO_NATIVE_REQUIRES_CONSENT') {
      questions.push({ kind: 'DOCKER_DEGRADE', decision });
      mode = 'LOCAL_NATIVE';
    }
  }
  if (mode === 'LOCAL_DOCKER') return { execution_mode: mode, questions, checkpoint: null };
  if (!hasAcknowledgedNativeSideEffects(opts.stateDir))
    questions.push({ kind: 'NATIVE_SIDE_EFFECTS' });
  const checkpoint = await checkVcsCheckpoint(opts.workspaceRoot, { gitPath: opts.gitPath });
  if (checkpoint.kind !== 'CLEAN') questions.push({ kind: 'VCS_CHECKPOINT', checkpoint });
  return { execution_mode: mode, questions, checkpoint };
}
