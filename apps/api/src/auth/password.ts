/**
 * @module Password hashing with argon2id (issue #5: argon2id or bcrypt cost 12). Parameters
 * are OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane); the hash string records them, so
 * they can be raised later without invalidating stored hashes.
 */
import { hash, verify } from '@node-rs/argon2';

// `Algorithm.Argon2id` is an ambient const enum, which `verbatimModuleSyntax` cannot import.
const ARGON2ID = 2;

const PARAMS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** @example await hashPassword('correct horse') // '$argon2id$v=19$m=19456,t=2,p=1$…' */
export function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMS);
}

/** `false` for a wrong password and for a hash that is not argon2 (never throws on bad input). */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * A fixed hash verified when the email is unknown, so a login for a missing account costs the
 * same as one with a wrong password (no account enumeration by timing).
 */
let dummy: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword('iama-no-such-account');
  return dummy;
}
