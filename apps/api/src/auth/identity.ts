/**
 * @module Who is calling: the user named by a verified access token, joined with the current
 * `subscription_tiers` row in one query (invariant 16: tier is read, never taken from the token).
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '@iama/db';
import type { Tier } from '@iama/contracts';
import { tierOf, type SubscriptionRow } from '../entitlements/current-subscription';

export type Identity = {
  userId: string;
  email: string;
  tier: Tier;
  /** The current entitlement row; `null` only for accounts created before rows were written. */
  subscription: SubscriptionRow | null;
  consentGivenAt: Date | null;
};

/** `null` when the user does not exist or is deleted (its tokens stop working at once). */
export async function loadIdentity(db: Kysely<Database>, userId: string): Promise<Identity | null> {
  const row = await db
    .selectFrom('users as u')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('subscription_tiers')
          .selectAll()
          .whereRef('subscription_tiers.user_id', '=', 'u.id')
          .orderBy('updated_at', 'desc')
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(1)
          .as('s'),
      (join) => join.onTrue(),
    )
    .select(['u.id as user_id', 'u.email', 'u.consent_given_at'])
    .select(
      sql<SubscriptionRow | null>`case when s.id is null then null else to_jsonb(s) end`.as(
        'subscription',
      ),
    )
    .where('u.id', '=', userId)
    .where('u.deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  const subscription = row.subscription ? reviveDates(row.subscription) : null;
  return {
    userId: row.user_id,
    email: row.email,
    tier: tierOf(subscription),
    subscription,
    consentGivenAt: row.consent_given_at,
  };
}

// to_jsonb turns timestamps into strings; the row type promises Date.
function reviveDates(s: SubscriptionRow): SubscriptionRow {
  const d = (v: unknown) => new Date(v as string);
  return {
    ...s,
    billing_cycle_start: d(s.billing_cycle_start),
    billing_cycle_end: d(s.billing_cycle_end),
    created_at: d(s.created_at),
    updated_at: d(s.updated_at),
  };
}
