/**
 * @module Test support (issue #5): a real `users` row with its `subscription_tiers` row and a
 * valid RS256 access token for it, signed by the same key source the app verifies with
 * (`authKeys()` unless the test built its app with other keys).
 * @example const alice = await createTestUser(db, { tier: 'PRO' });
 *          await app.inject({ method: 'GET', url: '/api/v1/subscription/me', headers: alice.headers });
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';
import type { Tier } from '@iama/contracts';
import { signAccessToken } from '../../src/auth/access-token';
import { authKeys, type AuthKeys } from '../../src/auth/keys';
import { hashPassword } from '../../src/auth/password';
import { initialSubscription } from '../../src/entitlements/current-subscription';

export type TestUser = {
  userId: string;
  email: string;
  /** Only when `password` was given. */
  password?: string;
  accessToken: string;
  /** `{ authorization: 'Bearer …' }`, ready for `app.inject({ headers })`. */
  headers: { authorization: string };
};

export type TestUserOptions = {
  tier?: Tier;
  email?: string;
  /** Stored as an argon2id hash so the user can also log in; omitted: an OAuth-style account. */
  password?: string;
  /** Keys the app under test was built with; default the process-wide pair. */
  keys?: AuthKeys;
  accessTtlSeconds?: number;
  /** Sets `users.consent_given_at` (V1-FR-SEC-005); default true. */
  consent?: boolean;
};

export async function createTestUser(
  db: Kysely<Database>,
  opts: TestUserOptions = {},
): Promise<TestUser> {
  const email = opts.email ?? `user-${randomUUID()}@example.test`;
  const user = await db
    .insertInto('users')
    .values({
      email,
      password_hash: opts.password ? await hashPassword(opts.password) : null,
      consent_given_at: opts.consent === false ? null : new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('subscription_tiers')
    .values(initialSubscription(user.id, opts.tier ?? 'FREE'))
    .execute();
  const accessToken = await signAccessToken(
    opts.keys ?? authKeys(),
    { userId: user.id, email },
    opts.accessTtlSeconds,
  );
  return {
    userId: user.id,
    email,
    password: opts.password,
    accessToken,
    headers: { authorization: `Bearer ${accessToken}` },
  };
}
