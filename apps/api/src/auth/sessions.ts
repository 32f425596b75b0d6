/**
 * @module Starting a product session (password or OAuth login): an access token, a refresh
 * token opening a new family, the `auth.login` audit row, and the suspicious-login check that
 * runs before that row is written (so the first login from an address is compared with history).
 */
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';
import { signAccessToken } from './access-token';
import { AUTH_EVENTS, writeAuthAudit } from './audit';
import type { AuthConfig } from './config';
import { issueRefreshToken } from './refresh-tokens';
import { recordSuspiciousLogin, suspicionReasons } from './suspicious-login';

export type SessionTokens = { accessToken: string; refreshToken: string; expiresIn: number };
export type ClientInfo = { ip: string | null; userAgent: string | null };

export async function startSession(
  db: Kysely<Database>,
  config: AuthConfig,
  user: { userId: string; email: string },
  client: ClientInfo,
  method: 'PASSWORD' | 'GITHUB' | 'GOOGLE',
): Promise<SessionTokens> {
  const reasons = await suspicionReasons(db, user.userId, client.ip);
  const refreshToken = await db.transaction().execute(async (trx) => {
    const token = await issueRefreshToken(trx, user.userId, config.refreshTtlSeconds);
    await writeAuthAudit(trx, {
      userId: user.userId,
      eventType: AUTH_EVENTS.login,
      ip: client.ip,
      metadata: { method },
    });
    return token;
  });
  if (reasons.length)
    await recordSuspiciousLogin(db, user.userId, reasons, client.ip, client.userAgent);
  const accessToken = await signAccessToken(config.keys, user, config.accessTtlSeconds);
  return { accessToken, refreshToken, expiresIn: config.accessTtlSeconds };
}
