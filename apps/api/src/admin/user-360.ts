/**
 * @module User 360 (V1-FR-OPS-004; API_CONTRACT §6 `GET /admin/users/:user_id`): plan, usage and
 * the last ten jobs in one read, built from the same modules the user's own endpoints use
 * (subscription_tiers only, invariant 16). Reading a user's data is itself audited.
 */
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';
import type { User360Response } from '@iama/contracts';
import { ApiError } from '../errors';
import { jobViewQuery, toJob } from '../jobs/job-view';
import { currentSubscription, usageSummary } from '../quota';
import { writeAdminAudit } from './audit';
import type { AdminSession } from './sessions';

export async function user360(
  db: Kysely<Database>,
  admin: AdminSession,
  userId: string,
  ip: string | null,
  now = new Date(),
): Promise<User360Response> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'email', 'created_at'])
    .where('id', '=', userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!user) throw new ApiError('NOT_FOUND', 'No user with this id');
  const [subscription, usage, jobs] = await Promise.all([
    currentSubscription(db, userId, now),
    usageSummary(db, userId, now),
    jobViewQuery(db)
      .where('j.owner_id', '=', userId)
      .orderBy('j.created_at', 'desc')
      .limit(10)
      .execute(),
  ]);
  await writeAdminAudit(db, {
    actor: { adminId: admin.adminId, role: admin.role },
    eventType: 'admin.user_viewed',
    targetUserId: userId,
    ip,
  });
  return {
    user_id: user.id,
    email: user.email,
    tier: subscription.tier,
    created_at: user.created_at.toISOString(),
    recent_jobs: jobs.map(toJob),
    current_usage: usage,
    billing_status: subscription.id === null ? 'NONE' : subscription.status,
  };
}
