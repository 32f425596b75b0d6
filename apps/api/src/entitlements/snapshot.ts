/**
 * @module The entitlement snapshot of a job (DB `entitlement_snapshots`; DB_SCHEMA §20
 * invariant 10, V2-FR-BIL-007; issue #5 "written before a job leaves PENDING"): the tier,
 * mode, execution mode, phase limits, GitHub flag and context cap in force when the job
 * starts, read from `subscription_tiers` (invariant 16) and never changed afterwards — a
 * second call returns the first snapshot. A job whose execution mode the tier may not use is
 * refused here too, so no snapshot can record an entitlement the user does not have.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, EntitlementSnapshotsTable } from '@iama/db';
import type { ExecutionMode } from '@iama/contracts';
import { ApiError } from '../errors';
import { tierOf } from './current-subscription';
import { requireEntitlement } from './features';
import { subscriptionView } from './subscription-view';

export type EntitlementSnapshot = Selectable<EntitlementSnapshotsTable>;

/**
 * @example await db.transaction().execute((trx) => snapshotEntitlement(trx, jobId));
 */
export async function snapshotEntitlement(
  db: Kysely<Database> | Transaction<Database>,
  jobId: string,
): Promise<EntitlementSnapshot> {
  const job = await db
    .selectFrom('refactor_jobs')
    .select(['id', 'owner_id', 'execution_mode'])
    .where('id', '=', jobId)
    .executeTakeFirst();
  if (!job) throw new ApiError('JOB_NOT_FOUND', 'No such job');
  const existing = await db
    .selectFrom('entitlement_snapshots')
    .selectAll()
    .where('job_id', '=', jobId)
    .executeTakeFirst();
  if (existing) return existing;
  const row = await db
    .selectFrom('subscription_tiers')
    .selectAll()
    .where('user_id', '=', job.owner_id)
    .orderBy('updated_at', 'desc')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const tier = tierOf(row);
  requireEntitlement(
    { tier },
    { kind: 'EXECUTION_MODE', mode: job.execution_mode as ExecutionMode },
  );
  const view = subscriptionView(tier, row ?? null);
  const inserted = await db
    .insertInto('entitlement_snapshots')
    .values({
      job_id: jobId,
      user_id: job.owner_id,
      tier,
      operating_mode: view.operating_mode,
      execution_mode: job.execution_mode,
      phase_limits: {
        phase_1_limit: view.phase_1_limit,
        phase_2_limit: view.phase_2_limit,
        phase_3_limit: view.phase_3_limit,
      },
      web_github_enabled: view.web_github_enabled,
      context_cap: view.context_cap,
    })
    .onConflict((oc) => oc.column('job_id').doNothing())
    .returningAll()
    .executeTakeFirst();
  // A concurrent first call won the insert: its row is the snapshot.
  return (
    inserted ??
    (await db
      .selectFrom('entitlement_snapshots')
      .selectAll()
      .where('job_id', '=', jobId)
      .executeTakeFirstOrThrow())
  );
}
