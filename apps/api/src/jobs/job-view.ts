/**
 * @module The `Job` body of `GET /api/v1/jobs` and `GET /api/v1/jobs/:job_id` (API_CONTRACT §4,
 * invariant 6: the heartbeat fields are always present), read from PostgreSQL only — one indexed
 * query, no Temporal round trip, so polling stays cheap.
 */
import { sql, type Kysely } from 'kysely';
import { BASELINE_MODES, type Job, type WorkflowState } from '@iama/contracts';
import type { Database } from '@iama/db';

/**
 * `client_heartbeat_sessions.status` → the API's `heartbeat_status`. A recovered session is
 * active again; a terminated one (force-terminate, job end) no longer beats: `LOST`.
 */
const HEARTBEAT: Record<string, Job['heartbeat_status']> = {
  ACTIVE: 'ACTIVE',
  GRACE_PERIOD: 'GRACE_PERIOD',
  LOST: 'LOST',
  RECOVERED: 'ACTIVE',
  TERMINATED: 'LOST',
};

type JobViewRow = {
  id: string;
  status: string;
  created_at: Date;
  updated_at: Date;
  target_paths: string[];
  execution_mode: string;
  current_phase: number | null;
  attempt_count: number;
  identical_failure_count: number;
  failure_pattern_fingerprint: string | null;
  baseline_mode_used: string | null;
  artifact_expires_at: Date | null;
  hb_status: string | null;
  hb_last_seen_at: Date | null;
  hb_grace_deadline_at: Date | null;
};

export function jobViewQuery(db: Kysely<Database>) {
  return db
    .selectFrom('refactor_jobs as j')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('client_heartbeat_sessions as h')
          .select(['h.status', 'h.last_seen_at', 'h.grace_deadline_at'])
          .whereRef('h.job_id', '=', 'j.id')
          .orderBy('h.updated_at', 'desc')
          .limit(1)
          .as('hb'),
      (join) => join.onTrue(),
    )
    .select([
      'j.id',
      'j.status',
      'j.created_at',
      'j.updated_at',
      'j.target_paths',
      'j.execution_mode',
      'j.current_phase',
      'j.attempt_count',
      'j.identical_failure_count',
      'j.failure_pattern_fingerprint',
      'j.baseline_mode_used',
      'j.artifact_expires_at',
      sql<string | null>`hb.status`.as('hb_status'),
      sql<Date | null>`hb.last_seen_at`.as('hb_last_seen_at'),
      sql<Date | null>`hb.grace_deadline_at`.as('hb_grace_deadline_at'),
    ]);
}

export function toJob(r: JobViewRow): Job {
  const phase = r.current_phase;
  return {
    job_id: r.id,
    status: r.status as WorkflowState,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
    target_paths: r.target_paths,
    execution_mode: r.execution_mode as Job['execution_mode'],
    current_phase: phase === 1 || phase === 2 || phase === 3 ? phase : null,
    attempt_count: r.attempt_count,
    identical_failure_count: r.identical_failure_count,
    failure_pattern_fingerprint: r.failure_pattern_fingerprint,
    baseline_mode: (BASELINE_MODES as readonly string[]).includes(r.baseline_mode_used ?? '')
      ? (r.baseline_mode_used as Job['baseline_mode'])
      : null,
    artifact_expires_at: r.artifact_expires_at?.toISOString() ?? null,
    heartbeat_status: r.hb_status ? (HEARTBEAT[r.hb_status] ?? null) : null,
    last_heartbeat_at: r.hb_last_seen_at?.toISOString() ?? null,
    grace_deadline_at: r.hb_grace_deadline_at?.toISOString() ?? null,
  };
}
