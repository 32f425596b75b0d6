/**
 * @module Manual quota refund / deduction (V1-FR-OPS-003; API_CONTRACT §6 `PATCH
 * /admin/quota/:user_id`). Credits are one monthly pool shared by every phase (PRD V1 §9.10),
 * so the adjustment is a `quota_adjustment` ledger row of the quota module; the phase and the
 * reason code are carried in its idempotency key (the ledger has no reason column) and in the
 * audit row, which the key names. Under the user's quota lock, so a deduction racing a
 * reservation can never drive the balance below zero.
 */
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';
import type { AdjustQuotaRequest, AdjustQuotaResponse } from '@iama/contracts';
import { ApiError } from '../errors';
import { lockUserQuota, MILLI_PER_CREDIT, quotaState, recordCreditAdjustment } from '../quota';
import { writeAdminAudit } from './audit';
import type { AdminSession } from './sessions';

export async function adjustQuota(
  db: Kysely<Database>,
  admin: AdminSession,
  userId: string,
  body: AdjustQuotaRequest,
  ip: string | null,
): Promise<AdjustQuotaResponse> {
  return db.transaction().execute(async (trx) => {
    const user = await trx
      .selectFrom('users')
      .select('id')
      .where('id', '=', userId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!user) throw new ApiError('NOT_FOUND', 'No user with this id');
    await lockUserQuota(trx, userId);
    const now = new Date();
    const before = await quotaState(trx, userId, now);
    if (before.remainingMilli === null) {
      throw new ApiError(
        'VALIDATION_FAILED',
        `the ${before.tier} tier has no monthly credit pool to adjust`,
        { part: 'body', field: 'delta', tier: before.tier },
      );
    }
    const afterMilli = before.remainingMilli + body.delta * MILLI_PER_CREDIT;
    if (afterMilli < 0) {
      throw new ApiError('VALIDATION_FAILED', 'the deduction exceeds the remaining balance', {
        part: 'body',
        field: 'delta',
        remaining: before.remainingMilli / MILLI_PER_CREDIT,
      });
    }
    const auditEventId = await writeAdminAudit(trx, {
      actor: { adminId: admin.adminId, role: admin.role },
      eventType: 'admin.quota_adjusted',
      oldState: String(before.remainingMilli / MILLI_PER_CREDIT),
      newState: String(afterMilli / MILLI_PER_CREDIT),
      targetUserId: userId,
      ip,
      metadata: { phase: body.phase, delta: body.delta, reason_code: body.reason_code },
    });
    await recordCreditAdjustment(trx, {
      userId,
      deltaCredits: body.delta,
      idempotencyKey: `admin_adjustment:${auditEventId}:phase_${body.phase}:${body.reason_code}`,
      recordedAt: now,
    });
    const after = await quotaState(trx, userId, now);
    return {
      new_balance: (after.remainingMilli ?? 0) / MILLI_PER_CREDIT,
      audit_event_id: auditEventId,
    };
  });
}
