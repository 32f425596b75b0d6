/**
 * @module The VCS checkpoint check before a Local Native run (V1-FR-SBX-006), through the `git`
 * CLI. The result is data; the CLI or the extension asks the user and passes the answers to
 * {@link authorizeNativeRun}. Re-run it per job and on every resume into Native mode.
 */
import { execFile } from 'node:child_process';
import type { ErrorCode } from '@iama/contracts';

export type VcsCheckpoint =
  /** A repository whose working tree matches HEAD: recoverable with `git checkout`. */
  | { kind: 'CLEAN'; repository_root: string; head: string }
  /** Uncommitted changes (or no commit yet): blocked until the user commits/stashes or explicitly continues. */
  | {
      kind: 'NO_CHECKPOINT';
      error_code: Extract<ErrorCode, 'LOCAL_NATIVE_NO_VCS_CHECKPOINT'>;
      repository_root: string;
      head: string | null;
      changed_paths: string[];
      has_stash: boolean;
      decision: 'CONTINUE_OR_CANCEL';
    }
  /** No repository at all: an elevated warning and a second confirmation. */
  | { kind: 'NO_REPOSITORY'; severity: 'ELEVATED'; confirmations_required: 2 }
  /** `git` is not installed: treated like no repository, with the reason kept. */
  | {
      kind: 'NO_REPOSITORY';
      severity: 'ELEVATED';
      confirmations_required: 2;
      reason: 'GIT_NOT_FOUND';
    };

type Git = (args: string[]) => Promise<{ ok: boolean; stdout: string; missing: boolean }>;

function gitIn(cwd: string, gitPath: string): Git {
  return (args) =>
    new Promise((resolve) => {
      // Read-only: optional locks off so `git status` never rewrites the user's index.
      execFile(
        gitPath,
        args,
        { cwd, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' }, maxBuffer: 16 << 20 },
        (err, stdout) => {
          const e = err as NodeJS.ErrnoException | null;
          resolve({ ok: e === null, stdout, missing: e?.code === 'ENOENT' });
        },
      );
    });
}

/**
 * @example const cp = await checkVcsCheckpoint('/repo'); if (cp.kind !== 'CLEAN') ask(cp)
 */
export async function checkVcsCheckpoint(
  workspaceRoot: string,
  opts: { gitPath?: string } = {},
): Promise<VcsCheckpoint> {
  const git = gitIn(workspaceRoot, opts.gitPath ?? 'git');
  const top = await git(['rev-parse', '--show-toplevel']);
  if (top.missing)
    return {
      kind: 'NO_REPOSITORY',
      severity: 'ELEVATED',
      confirmations_required: 2,
      reason: 'GIT_NOT_FOUND',
    };
  if (!top.ok) return { kind: 'NO_REPOSITORY', severity: 'ELEVATED', confirmations_required: 2 };
  const repository_root = top.stdout.trim();
  const head = await git(['rev-parse', '--verify', '--quiet', 'HEAD']);
  const status = await git([
    'status',
    '--porcelain=v1',
    '-z',
    '--untracked-files=normal',
    '--',
    '.',
  ]);
  const changed_paths = status.stdout
    .split('\0')
    .filter((e) => e.length > 3)
    .map((e) => e.slice(3));
  const headSha = head.ok ? head.stdout.trim() : null;
  if (headSha !== null && status.ok && changed_paths.length === 0)
    return { kind: 'CLEAN', repository_root, head: headSha };
  const stash = await git(['stash', 'list']);
  return {
    kind: 'NO_CHECKPOINT',
    error_code: 'LOCAL_NATIVE_NO_VCS_CHECKPOINT',
    repository_root,
    head: headSha,
    changed_paths,
    has_stash: stash.ok && stash.stdout.trim() !== '',
    decision: 'CONTINUE_OR_CANCEL',
  };
}

export type CheckpointAnswers = {
  /** The user chose Continue on the dirty-tree prompt. */
  continueWithoutCheckpoint?: boolean;
  /** Number of explicit confirmations given to the no-repository warning. */
  noRepositoryConfirmations?: number;
};

export type NativeRunAuthorization =
  | { allowed: true }
  | {
      allowed: false;
      error_code: 'LOCAL_NATIVE_NO_VCS_CHECKPOINT';
      needs: 'CONTINUE_OR_CANCEL' | 'SECOND_CONFIRMATION' | 'CONFIRMATION';
    };

/**
 * Turns the check and the user's answers into a go / no-go.
 * @example authorizeNativeRun(cp, { noRepositoryConfirmations: 2 }) // { allowed: true }
 */
export function authorizeNativeRun(
  cp: VcsCheckpoint,
  answers: CheckpointAnswers = {},
): NativeRunAuthorization {
  if (cp.kind === 'CLEAN') return { allowed: true };
  if (cp.kind === 'NO_CHECKPOINT')
    return answers.continueWithoutCheckpoint === true
      ? { allowed: true }
      : { allowed: false, error_code: cp.error_code, needs: 'CONTINUE_OR_CANCEL' };
  const n = answers.noRepositoryConfirmations ?? 0;
  if (n >= cp.confirmations_required) return { allowed: true };
  return {
    allowed: false,
    error_code: 'LOCAL_NATIVE_NO_VCS_CHECKPOINT',
    needs: n === 0 ? 'CONFIRMATION' : 'SECOND_CONFIRMATION',
  };
}
