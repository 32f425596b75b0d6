/**
 * @module Ownership (API_CONTRACT §13 invariant 2, V1-FR-JOB-002): every job route loads the job
 * through here. An unknown id is `JOB_NOT_FOUND`; somebody else's job is `JOB_OWNERSHIP_VIOLATION`.
 */
import type { Kysely, Selectable } from 'kysely';
import { isWorkflowState, type WorkflowState } from '@iama/contracts';
import type { Database, RefactorJobsTable } from '@iama/db';
import { ApiError } from '../errors';

export type JobRow = Selectable<RefactorJobsTable> & { status: WorkflowState };

export async function loadOwnedJob(
  db: Kysely<Database>,
  jobId: string,
  userId: string,
): Promise<JobRow> {
  const row = await db
    .selectFrom('refactor_jobs')
    .selectAll()
    .where('id', '=', jobId)
    .executeTakeFirst();
  if (!row) throw new ApiError('JOB_NOT_FOUND', 'No job with this id');
  if (row.owner_id !== userId)
    throw new ApiError('JOB_OWNERSHIP_VIOLATION', 'This job belongs to another user');
  if (!isWorkflowState(row.status)) throw new Error(`refactor_jobs ${row.id}: unknown status`);
  return row as JobRow;
}
