/**
 * @module Quota reservation and the immutable entitlement snapshot before `ANALYZING`
 * (PRD V1 §13 items 13-14, 18-19; DB_SCHEMA invariant 10; SERVICE_ARCHITECTURE §7.1), reservation
 * settlement and billing checkpoints (V1-FR-BIL-004..006, invariant 23).
 *
 * Port: the quota/entitlement modules of the control plane (apps/api/src/quota, entitlements)
 * had not landed when this was written; this is the workflow-side port with the §7.1 locking
 * and the tier matrix as the only limit source. docs/workflow/decisions.md names the hand-over.
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '@iama/db';
import {
  isTier,
  TIER_MATRIX,
  type ExecutionMode,
  type OperatingMode,
  type RoutingPhase,
  type Tier,
} from '@iama/contracts';
import type { EscalationPreauthorization } from '../../workflows/refactor-job/api';

/** The job's snapshot in the workflow's (serialisable) terms; the router reads the same fields. */
export type JobEntitlement = {
  tier: Tier;
  operatingMode: OperatingMode;
  phases: RoutingPhase[];
  contextCap: number;
  enterpriseTrial: boolean;
  preauthorization: EscalationPreauthorization | null;
};

export type ReserveOutcome =
  | { ok: true; reservationId: string; entitlement: JobEntitlement }
  | { ok: false; errorCode: 'QUOTA_RESERVATION_FAILED'; reason: string };

export function createQuotaActivities(db: Kysely<Database>) {
  return {
    /**
     * Takes (or finds the reservation taken at job creation) and writes the entitlement snapshot,
     * in one transaction under the per-user advisory lock of §7.1. Idempotent per job.
     */
    async reserveQuotaAndSnapshot(args: {
      jobId: string;
      ownerId: string;
      executionMode: ExecutionMode;
      preauthorization: EscalationPreauthorization | null;
    }): Promise<ReserveOutcome> {
      return db.transaction().execute(async (trx) => {
        await sql`SELECT pg_advisory_xact_lock(hashtext(${'quota:' + args.ownerId}))`.execute(trx);
        const sub = await trx
          .selectFrom('subscription_tiers')
          .select(['tier', 'status', 'context_cap', 'operating_mode'])
          .where('user_id', '=', args.ownerId)
          .orderBy('updated_at', 'desc')
          .executeTakeFirst();
        const tier: Tier = sub && isTier(sub.tier) ? sub.tier : 'FREE';
        const ent = TIER_MATRIX[tier];
        if (sub && sub.status !== 'ACTIVE' && sub.status !== 'TRIAL') {
          return {
            ok: false,
            errorCode: 'QUOTA_RESERVATION_FAILED',
            reason: `SUBSCRIPTION_${sub.status}`,
          };
        }
        const existing = await trx
          .selectFrom('quota_reservations')
          .select(['id', 'status'])
          .where('job_id', '=', args.jobId)
          .orderBy('reserved_at', 'asc')
          .executeTakeFirst();
        let reservationId: string;
        if (existing) {
          if (existing.status === 'RELEASED')
            return {
              ok: false,
              errorCode: 'QUOTA_RESERVATION_FAILED',
              reason: 'RESERVATION_RELEASED',
            };
          reservationId = existing.id;
        } else {
          const inserted = await trx
            .insertInto('quota_reservations')
            .values({
              user_id: args.ownerId,
              job_id: args.jobId,
              phase: 1,
              quantity: 1,
              status: 'RESERVED',
              idempotency_key: `${args.jobId}:reserve`,
              lock_owner: 'refactor-job-workflow',
            })
            .onConflict((oc) => oc.column('idempotency_key').doNothing())
            .returning('id')
            .executeTakeFirst();
          reservationId =
            inserted?.id ??
            (
              await trx
                .selectFrom('quota_reservations')
                .select('id')
                .where('idempotency_key', '=', `${args.jobId}:reserve`)
                .executeTakeFirstOrThrow()
            ).id;
        }
        // Only Enterprise may pre-authorize escalation (V1-FR-ROUTE-005); anything else is dropped.
        const preauthorization = ent.escalationPreauthorization ? args.preauthorization : null;
        const entitlement: JobEntitlement = {
          tier,
          operatingMode: ent.operatingMode,
          phases: [...ent.phases],
          contextCap: ent.contextCap,
          enterpriseTrial: sub?.status === 'TRIAL' && tier === 'ENTERPRISE',
          preauthorization,
        };
        await trx
          .insertInto('entitlement_snapshots')
          .values({
            job_id: args.jobId,
            user_id: args.ownerId,
            tier,
            operating_mode: ent.operatingMode,
            execution_mode: args.executionMode,
            phase_limits: JSON.stringify({
              phases: ent.phases,
              preauthorization,
              enterprise_trial: entitlement.enterpriseTrial,
            }),
            web_github_enabled: false,
            context_cap: ent.contextCap,
          })
          .onConflict((oc) => oc.column('job_id').doNothing())
          .execute();
        // The snapshot is immutable: a retried activity reads back what the first attempt wrote.
        const snap = await trx
          .selectFrom('entitlement_snapshots')
          .select(['tier', 'phase_limits'])
          .where('job_id', '=', args.jobId)
          .executeTakeFirstOrThrow();
        const limits = snap.phase_limits as {
          phases: RoutingPhase[];
          preauthorization: EscalationPreauthorization | null;
          enterprise_trial?: boolean;
        };
        return {
          ok: true,
          reservationId,
          entitlement: {
            ...entitlement,
            tier: snap.tier as Tier,
            phases: limits.phases,
            preauthorization: limits.preauthorization,
            enterpriseTrial: limits.enterprise_trial === true,
          },
        };
      });
    },

    /** COMMIT (chargeable outcome) or RELEASE (non-chargeable), once (PRD V1 §13 items 14, 18-19). */
    async settleReservation(args: {
      jobId: string;
      outcome: 'COMMIT' | 'RELEASE';
      reason: string;
    }): Promise<void> {
      const now = new Date();
      await db
        .updateTable('quota_reservations')
        .set(
          args.outcome === 'COMMIT'
            ? { status: 'COMMITTED', committed_at: now }
            : { status: 'RELEASED', released_at: now, release_reason: args.reason },
        )
        .where('job_id', '=', args.jobId)
        .where('status', '=', 'RESERVED')
        .execute();
    },

    /** PRE_CHARGE / POST_CHARGE checkpoint around `GENERATING_TESTS` (V1-FR-BIL-006), idempotent per (state, type). */
    async recordBillingCheckpoint(args: {
      jobId: string;
      workflowState: string;
      checkpointType: 'PRE_CHARGE' | 'POST_CHARGE';
      chargePolicy: string;
      disconnectAt?: string | null;
    }): Promise<void> {
      const exists = await db
        .selectFrom('billing_checkpoint_records')
        .select('id')
        .where('job_id', '=', args.jobId)
        .where('workflow_state', '=', args.workflowState)
        .where('checkpoint_type', '=', args.checkpointType)
        .where('charge_policy', '=', args.chargePolicy)
        .executeTakeFirst();
      if (exists) return;
      await db
        .insertInto('billing_checkpoint_records')
        .values({
          job_id: args.jobId,
          workflow_state: args.workflowState,
          checkpoint_type: args.checkpointType,
          charge_policy: args.chargePolicy,
          disconnect_at: args.disconnectAt ?? null,
        })
        .execute();
    },
  };
}
