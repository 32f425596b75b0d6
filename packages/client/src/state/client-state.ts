/**
 * @module The client's small persisted state: the Local Native side-effect acknowledgement
 * (V1-FR-SBX-006, asked once, before the first Native run). One JSON file in the client state
 * directory (`IAMA_STATE_DIR`, else `$XDG_STATE_HOME/iama`, else `~/.local/state/iama`).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type ClientState = {
  native_side_effects_acknowledged_at?: string;
};

const FILE = 'client-state.json';

export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.IAMA_STATE_DIR) return env.IAMA_STATE_DIR;
  const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'iama');
}

export function readClientState(stateDir: string): ClientState {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(stateDir, FILE), 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as ClientState) : {};
  } catch {
    return {};
  }
}

function writeClientState(stateDir: string, state: ClientState): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const tmp = join(stateDir, `${FILE}.${process.pid}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, join(stateDir, FILE)); // atomic: a crash never leaves half a file
}

export function hasAcknowledgedNativeSideEffects(stateDir: string): boolean {
  return typeof readClientState(stateDir).native_side_effects_acknowledged_at === 'string';
}

/** Records the user's acknowledgement; call only after the user confirmed the warning. */
export function acknowledgeNativeSideEffects(stateDir: string, now = new Date()): ClientState {
  const next = {
    ...readClientState(stateDir),
    native_side_effects_acknowledged_at: now.toISOString(),
  };
  writeClientState(stateDir, next);
  return next;
}
