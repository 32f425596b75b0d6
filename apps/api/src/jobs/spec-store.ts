/**
 * @module BDD/SDD revisions of a job (DB_SCHEMA §4; V1-FR-SPEC-002/003, V2-FR-WF-002, API_CONTRACT
 * §13 invariant 11). Every edit inserts a new `spec_revisions` row with a fresh opaque token and
 * its own `bdd_items` / `sdd_items`, under a per-job transaction lock, so two surfaces editing at
 * once cannot both win: the second one's token is stale and it gets `SPEC_REVISION_CONFLICT`
 * with the current revision — no silent overwrite.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { BddItemApi, SddItemApi, SpecResponse } from '@iama/contracts';
import type { Database } from '@iama/db';

export type SpecRevision = SpecResponse;

/** Opaque and globally unique (invariant 14): 192 random bits. */
export const newRevisionToken = () => randomBytes(24).toString('base64url');

/** The newest revision of the job, or `undefined` before spec extraction. */
export async function currentSpec(
  db: Kysely<Database>,
  jobId: string,
): Promise<SpecRevision | undefined> {
  const rev = await db
    .selectFrom('spec_revisions')
    .select(['id', 'revision_token', 'created_at'])
    .where('job_id', '=', jobId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!rev) return undefined;
  const [bdd, sdd] = await Promise.all([
    db
      .selectFrom('bdd_items')
      .select(['id', 'given', 'when_action', 'then_outcome'])
      .where('job_id', '=', jobId)
      .where('revision_id', '=', rev.id)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('sdd_items')
      .select(['id', 'component', 'responsibility', 'interface_notes'])
      .where('job_id', '=', jobId)
      .where('revision_id', '=', rev.id)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
  ]);
  return {
    bdd_items: bdd,
    sdd_items: sdd,
    revision_id: rev.id,
    revision_token: rev.revision_token,
    updated_at: rev.created_at.toISOString(),
  };
}

/** Serializes spec writers of one job until the transaction ends. */
export async function lockJobSpec(trx: Kysely<Database>, jobId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`spec:${jobId}`}, 0))`.execute(trx);
}

export type NewRevision = {
  jobId: string;
  actorId: string;
  surface: 'IDE' | 'WEB';
  bdd: readonly BddItemApi[];
  sdd: readonly SddItemApi[];
};

/** Inserts a revision with its items (inside the caller's locked transaction). */
export async function insertRevision(
  trx: Kysely<Database>,
  r: NewRevision,
): Promise<{ revisionId: string; revisionToken: string }> {
  const bdd = r.bdd.map(({ given, when_action, then_outcome }) => ({
    given,
    when_action,
    then_outcome,
  }));
  const sdd = r.sdd.map(({ component, responsibility, interface_notes }) => ({
    component,
    responsibility,
    interface_notes,
  }));
  const token = newRevisionToken();
  const rev = await trx
    .insertInto('spec_revisions')
    .values({
      job_id: r.jobId,
      revision_token: token,
      actor_id: r.actorId,
      surface: r.surface,
      bdd_snapshot: JSON.stringify(bdd),
      sdd_snapshot: JSON.stringify(sdd),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (bdd.length)
    await trx
      .insertInto('bdd_items')
      .values(bdd.map((b) => ({ ...b, job_id: r.jobId, revision_id: rev.id })))
      .execute();
  if (sdd.length)
    await trx
      .insertInto('sdd_items')
      .values(sdd.map((s) => ({ ...s, job_id: r.jobId, revision_id: rev.id })))
      .execute();
  return { revisionId: rev.id, revisionToken: token };
}
