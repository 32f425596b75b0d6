/**
 * @module Who an OAuth login is, by the email-collision policy of API_CONTRACT §2 (AGENT.md
 * resolution 20; DB_SCHEMA §20 invariants 15, 17): a known `(provider, provider_account_id)` is
 * a returning user; otherwise a provider-verified email matching an account auto-merges into it
 * (its password stays valid); otherwise a new account — and an absent or unverified email never
 * merges, nor becomes the new account's email (it could be someone else's mailbox).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '@iama/db';
import { ApiError } from '../errors';
import { insertInitialSubscription } from '../entitlements/current-subscription';
import { AUTH_EVENTS, writeAuthAudit } from './audit';
import type { OauthProvider } from './oauth-config';
import type { ProviderProfile } from './oauth-providers';

export type OauthOutcome = 'RETURNING' | 'LINKED' | 'CREATED';
export type OauthUser = { userId: string; email: string; outcome: OauthOutcome };

/** `users.email` of an account whose provider email cannot be trusted: reserved `.invalid` domain. */
export function placeholderEmail(provider: OauthProvider, providerAccountId: string): string {
  return `${provider.toLowerCase()}-${providerAccountId.replace(/[^A-Za-z0-9._-]/g, '_')}@oauth.iama.invalid`;
}

export async function resolveOauthUser(
  db: Kysely<Database>,
  provider: OauthProvider,
  profile: ProviderProfile,
  ip: string | null,
): Promise<OauthUser> {
  try {
    return await db.transaction().execute((trx) => resolveIn(trx, provider, profile, ip));
  } catch (err) {
    // Two first logins of one provider account raced: the loser finds the winner's row.
    if ((err as { code?: string }).code === '23505')
      return db.transaction().execute((trx) => resolveIn(trx, provider, profile, ip));
    throw err;
  }
}

async function resolveIn(
  trx: Transaction<Database>,
  provider: OauthProvider,
  p: ProviderProfile,
  ip: string | null,
): Promise<OauthUser> {
  const existing = await trx
    .selectFrom('oauth_accounts as o')
    .innerJoin('users as u', 'u.id', 'o.user_id')
    .select(['o.id', 'u.id as user_id', 'u.email', 'u.deleted_at'])
    .where('o.provider', '=', provider)
    .where('o.provider_account_id', '=', p.providerAccountId)
    .executeTakeFirst();
  if (existing) {
    if (existing.deleted_at)
      throw new ApiError('INVALID_CREDENTIALS', 'This account has been deleted');
    await trx
      .updateTable('oauth_accounts')
      .set({
        provider_login: p.login,
        provider_email: p.email,
        scopes: p.scopes,
        updated_at: new Date(),
      })
      .where('id', '=', existing.id)
      .execute();
    return { userId: existing.user_id, email: existing.email, outcome: 'RETURNING' };
  }

  const link = (userId: string) =>
    trx
      .insertInto('oauth_accounts')
      .values({
        user_id: userId,
        provider,
        provider_account_id: p.providerAccountId,
        provider_login: p.login,
        provider_email: p.email,
        scopes: p.scopes,
      })
      .execute();

  const verifiedEmail = p.emailVerified && p.email ? p.email.trim().toLowerCase() : null;
  if (verifiedEmail) {
    const match = await trx
      .selectFrom('users')
      .select(['id', 'email', 'deleted_at'])
      .where('email', '=', verifiedEmail)
      .executeTakeFirst();
    if (match && !match.deleted_at) {
      await link(match.id);
      await writeAuthAudit(trx, {
        userId: match.id,
        eventType: AUTH_EVENTS.oauthLinked,
        ip,
        newState: 'LINKED',
        metadata: { provider, provider_account_id: p.providerAccountId },
      });
      return { userId: match.id, email: match.email, outcome: 'LINKED' };
    }
  }

  const taken = verifiedEmail
    ? await trx
        .selectFrom('users')
        .select('id')
        .where('email', '=', verifiedEmail)
        .executeTakeFirst()
    : undefined;
  const email =
    verifiedEmail && !taken ? verifiedEmail : placeholderEmail(provider, p.providerAccountId);
  const user = await trx
    .insertInto('users')
    .values({ email, password_hash: null })
    .returning(['id', 'email'])
    .executeTakeFirstOrThrow();
  await link(user.id);
  await insertInitialSubscription(trx, user.id);
  await writeAuthAudit(trx, {
    userId: user.id,
    eventType: AUTH_EVENTS.register,
    ip,
    newState: 'ACTIVE',
    metadata: { method: provider, email_verified: p.emailVerified },
  });
  return { userId: user.id, email: user.email, outcome: 'CREATED' };
}
