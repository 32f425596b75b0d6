/**
 * @module Rotating refresh tokens (API_CONTRACT §2; V1-FR-AUTH-004; `refresh_tokens`,
 * docs/db/ADDITIONS.md). A token is 32 random bytes shown once; only its SHA-256 is stored.
 * Every refresh revokes the presented token and issues its successor in the same family;
 * presenting a revoked token again is reuse (a stolen copy racing the owner), which revokes the
 * whole family so neither copy works any more.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '@iama/db';
import { ApiError } from '../errors';
import { AUTH_EVENTS, writeAuthAudit } from './audit';

type Db = Kysely<Database> | Transaction<Database>;

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Stores a new token and returns it; a new family unless `familyId` continues one. */
export async function issueRefreshToken(
  db: Db,
  userId: string,
  ttlSeconds: number,
  familyId: string = randomUUID(),
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db
    .insertInto('refresh_tokens')
    .values({
      user_id: userId,
      token_hash: hashRefreshToken(token),
      family_id: familyId,
      expires_at: new Date(Date.now() + ttlSeconds * 1000),
    })
    .execute();
  return token;
}

export type Rotation = { userId: string; email: string; refreshToken: string };

/**
 * Exchanges a live token for its successor. Unknown → `REFRESH_TOKEN_INVALID`; expired →
 * `REFRESH_TOKEN_EXPIRED`; already revoked → the family is revoked (committed) and
 * `REFRESH_TOKEN_INVALID`.
 */
export async function rotateRefreshToken(
  db: Kysely<Database>,
  presented: string,
  ttlSeconds: number,
  ip: string | null,
): Promise<Rotation> {
  const outcome = await db.transaction().execute(async (trx) => {
    // FOR UPDATE: two refreshes of one token serialise; the second sees it revoked (reuse).
    const row = await trx
      .selectFrom('refresh_tokens as r')
      .innerJoin('users as u', 'u.id', 'r.user_id')
      .select([
        'r.id',
        'r.user_id',
        'r.family_id',
        'r.expires_at',
        'r.revoked_at',
        'u.email',
        'u.deleted_at',
      ])
      .where('r.token_hash', '=', hashRefreshToken(presented))
      .forUpdate('r')
      .executeTakeFirst();
    if (!row || row.deleted_at) return { error: 'REFRESH_TOKEN_INVALID' as const };
    if (row.revoked_at) {
      const revoked = await revokeFamily(trx, row.family_id);
      await writeAuthAudit(trx, {
        userId: row.user_id,
        eventType: AUTH_EVENTS.refreshReuse,
        ip,
        newState: 'FAMILY_REVOKED',
        metadata: { family_id: row.family_id, tokens_revoked: revoked },
      });
      return { error: 'REFRESH_TOKEN_INVALID' as const };
    }
    if (row.expires_at.getTime() <= Date.now()) return { error: 'REFRESH_TOKEN_EXPIRED' as const };
    await trx
      .updateTable('refresh_tokens')
      .set({ revoked_at: new Date() })
      .where('id', '=', row.id)
      .execute();
    const refreshToken = await issueRefreshToken(trx, row.user_id, ttlSeconds, row.family_id);
    return { userId: row.user_id, email: row.email, refreshToken };
  });
  if ('error' in outcome) {
    throw outcome.error === 'REFRESH_TOKEN_EXPIRED'
      ? new ApiError('REFRESH_TOKEN_EXPIRED', 'Refresh token expired; log in again')
      : new ApiError('REFRESH_TOKEN_INVALID', 'Refresh token is not valid');
  }
  return outcome;
}

/** Revokes every live token of a family; returns how many. */
export async function revokeFamily(db: Db, familyId: string): Promise<number> {
  const res = await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: new Date() })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/**
 * Logout: revokes the family of `presented` when it belongs to `userId`. Unknown tokens and
 * other users' tokens change nothing (the answer is the same 204, so it reveals nothing).
 */
export async function revokeForLogout(
  db: Kysely<Database>,
  userId: string,
  presented: string,
): Promise<number> {
  const row = await db
    .selectFrom('refresh_tokens')
    .select(['family_id'])
    .where('token_hash', '=', hashRefreshToken(presented))
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row ? revokeFamily(db, row.family_id) : 0;
}
