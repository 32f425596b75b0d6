-- 0002_jobs_spec_test: DB_SCHEMA.md §3 (projects, jobs, artifacts), §4 (BDD/SDD, spec revisions), §5 (test runs, patches).

-- §3 Project and job entities
CREATE TABLE projects (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id        UUID NOT NULL REFERENCES users(id),
    name            TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX ON projects (owner_id);
CREATE TABLE refactor_jobs (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id      UUID REFERENCES projects(id),
    owner_id        UUID NOT NULL REFERENCES users(id),
    status          TEXT NOT NULL DEFAULT 'PENDING',
    execution_mode  TEXT NOT NULL CHECK (execution_mode IN ('LOCAL_DOCKER', 'LOCAL_NATIVE', 'REMOTE_SANDBOX')),
    target_paths    TEXT[] NOT NULL,
    refactor_context TEXT,
    attempt_count   INTEGER NOT NULL DEFAULT 0,
    identical_failure_count INTEGER NOT NULL DEFAULT 0,
    failure_pattern_fingerprint TEXT,
    current_phase   INTEGER,
    baseline_mode_used TEXT,
    failure_reason  TEXT,
    billing_subject TEXT NOT NULL DEFAULT 'USER',
    org_id          UUID,
    artifact_expires_at TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    completed_at    TIMESTAMPTZ
);
CREATE INDEX ON refactor_jobs (owner_id, created_at DESC);
CREATE INDEX ON refactor_jobs (status);
CREATE INDEX ON refactor_jobs (project_id);
CREATE TABLE job_artifacts (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id          UUID NOT NULL REFERENCES refactor_jobs(id),
    artifact_type   TEXT NOT NULL,
    storage_key     TEXT NOT NULL,
    content_hash    TEXT NOT NULL,
    size_bytes      INTEGER NOT NULL,
    encrypted       BOOLEAN NOT NULL DEFAULT TRUE,
    kms_key_ref     TEXT NOT NULL,
    retention_policy_version TEXT NOT NULL DEFAULT '1.0',
    expires_at      TIMESTAMPTZ NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX ON job_artifacts (job_id);
CREATE INDEX ON job_artifacts (expires_at);

-- §4 Spec entities
CREATE TABLE bdd_items (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id          UUID NOT NULL REFERENCES refactor_jobs(id),
    revision_id     UUID NOT NULL,
    given           TEXT NOT NULL,
    when_action     TEXT NOT NULL,
    then_outcome    TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX ON bdd_items (job_id, revision_id);
CREATE TABLE sdd_items (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id          UUID NOT NULL REFERENCES refactor_jobs(id),
    revision_id     UUID NOT NULL,
    component       TEXT NOT NULL,
    responsibility  TEXT NOT NULL,
    interface_notes TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX ON sdd_items (job_id, revision_id);
CREATE TABLE spec_revisions (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id          UUID NOT NULL REFERENCES refactor_jobs(id),
    revision_token  TEXT NOT NULL UNIQUE,
    actor_id        UUID NOT NULL REFERENCES users(id),
    surface         TEXT NOT NULL CHECK (surface IN ('IDE', 'WEB')),
    bdd_snapshot    JSONB NOT NULL,
    sdd_snapshot    JSONB NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX ON spec_revisions (job_id, created_at DESC);
CREATE INDEX ON spec_revisions (revision_token);

-- §5 Test and execution entities
CREATE TABLE test_runs (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id          UUID NOT NULL REFERENCES refactor_jobs(id),
    spec_revision_id UUID NOT NULL REFERENCES spec_revisions(id),
    attempt_number  INTEGER NOT NULL,
    phase           INTEGER NOT NULL CHECK (phase IN (1, 2, 3)),
    run_type        TEXT NOT NULL CHECK (run_type IN ('BASELINE', 'REPAIR', 'DEEP_FIX', 'INTERVENTION', 'MANUAL')),
    status          TEXT NOT NULL CHECK (status IN ('RUNNING', 'PASSED', 'FAILED', 'TIMEOUT')),
    failure_class   TEXT,
    failure_pattern_fingerprint TEXT,
    execution_mode  TEXT NOT NULL,
    started_at      TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    completed_at    TIMESTAMPTZ,
    duration_ms     INTEGER
);
CREATE UNIQUE INDEX ON test_runs (job_id, attempt_number, run_type);
CREATE INDEX ON test_runs (failure_pattern_fingerprint);
CREATE TABLE patch_attempts (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id          UUID NOT NULL REFERENCES refactor_jobs(id),
    test_run_id     UUID REFERENCES test_runs(id),
    attempt_number  INTEGER NOT NULL,
    phase           INTEGER NOT NULL,
    model_class     TEXT NOT NULL,
    is_deep_fix     BOOLEAN NOT NULL DEFAULT FALSE,
    patch_summary   TEXT,
    outcome         TEXT CHECK (outcome IN ('APPLIED', 'FAILED', 'TIMEOUT', 'SKIPPED')),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE UNIQUE INDEX ON patch_attempts (job_id, attempt_number);
CREATE TABLE patch_edit_operations (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id          UUID NOT NULL REFERENCES refactor_jobs(id),
    patch_attempt_id UUID NOT NULL REFERENCES patch_attempts(id),
    edit_type       TEXT NOT NULL CHECK (edit_type IN ('AST_SYMBOLIC', 'EXACT_SEARCH_REPLACE')),
    target_file     TEXT NOT NULL,
    target_file_fingerprint TEXT NOT NULL,
    apply_anchor    TEXT NOT NULL,
    apply_outcome   TEXT CHECK (apply_outcome IN ('SUCCESS', 'FAILED', 'SKIPPED')),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX ON patch_edit_operations (job_id);
