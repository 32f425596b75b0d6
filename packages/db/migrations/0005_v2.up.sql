-- 0005_v2: DB_SCHEMA.md §12 (organizations, teams), §13 (GitHub), §14 (remote execution), §15 (compliance),
-- §16 (billing snapshots), §17 (remote diff sync), §18 (delivery and rebase).

-- §12 V2 organizations and teams
CREATE TABLE organizations (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name            TEXT NOT NULL,
    owner_id        UUID NOT NULL REFERENCES users(id),
    tier            TEXT NOT NULL,
    enterprise_report_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    zero_telemetry_mode BOOLEAN NOT NULL DEFAULT FALSE,
    support_payload_mode TEXT NOT NULL DEFAULT 'METADATA_ONLY',
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE TABLE teams (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id          UUID NOT NULL REFERENCES organizations(id),
    name            TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX ON teams (org_id);
CREATE TABLE team_member_roles (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id         UUID NOT NULL REFERENCES teams(id),
    user_id         UUID NOT NULL REFERENCES users(id),
    role            TEXT NOT NULL CHECK (role IN ('OWNER', 'ADMIN', 'MEMBER', 'VIEWER')),
    granted_by      UUID NOT NULL REFERENCES users(id),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE UNIQUE INDEX ON team_member_roles (team_id, user_id);
CREATE TABLE organization_wallets (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id          UUID NOT NULL UNIQUE REFERENCES organizations(id),
    phase_2_balance INTEGER NOT NULL DEFAULT 0,
    phase_3_balance INTEGER NOT NULL DEFAULT 0,
    sandbox_seconds_balance BIGINT NOT NULL DEFAULT 0,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

-- §13 V2 GitHub integration
CREATE TABLE repository_connections (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         UUID NOT NULL REFERENCES users(id),
    org_id          UUID REFERENCES organizations(id),
    github_installation_id TEXT,
    github_account_login TEXT NOT NULL,
    access_token_encrypted TEXT NOT NULL,
    kms_key_ref     TEXT NOT NULL,
    scopes          TEXT[] NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('ACTIVE', 'REVOKED', 'EXPIRED')),
    revoked_at      TIMESTAMPTZ,
    revoke_source   TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX ON repository_connections (user_id);
CREATE TABLE repository_workspaces (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    connection_id   UUID NOT NULL REFERENCES repository_connections(id),
    github_repo_id  TEXT NOT NULL,
    full_name       TEXT NOT NULL,
    branch          TEXT NOT NULL,
    path_scope      TEXT NOT NULL,
    job_id          UUID REFERENCES refactor_jobs(id),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX ON repository_workspaces (connection_id);
CREATE INDEX ON repository_workspaces (job_id);
CREATE TABLE branch_head_snapshots (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id          UUID NOT NULL REFERENCES refactor_jobs(id),
    repo_full_name  TEXT NOT NULL,
    branch          TEXT NOT NULL,
    head_sha_at_start TEXT NOT NULL,
    head_sha_at_delivery TEXT,
    revalidated_at  TIMESTAMPTZ,
    conflict_detected BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX ON branch_head_snapshots (job_id);
CREATE TABLE github_revocation_events (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    github_installation_id TEXT,
    github_account_login TEXT,
    event_type      TEXT NOT NULL,
    received_at     TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    connection_id   UUID REFERENCES repository_connections(id),
    syncs_terminated INTEGER NOT NULL DEFAULT 0,
    tokens_invalidated INTEGER NOT NULL DEFAULT 0,
    processed       BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX ON github_revocation_events (github_installation_id);
CREATE TABLE code_provenance_records (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id          UUID NOT NULL REFERENCES refactor_jobs(id),
    github_pr_url   TEXT,
    github_commit_sha TEXT,
    co_authored_by  TEXT NOT NULL DEFAULT 'IAMA-Agent <bot@iama.dev>',
    job_id_reference TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX ON code_provenance_records (job_id);

-- §14 V2 remote execution
CREATE TABLE remote_execution_sessions (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id          UUID NOT NULL REFERENCES refactor_jobs(id),
    sandbox_provider TEXT NOT NULL DEFAULT 'E2B',
    sandbox_id      TEXT NOT NULL,
    isolation_type  TEXT NOT NULL CHECK (isolation_type IN ('GVISOR', 'FIRECRACKER')),
    status          TEXT NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'WIPED')),
    network_policy  TEXT NOT NULL CHECK (network_policy IN ('BUILD_ALLOWLIST', 'TEST_DENY_ALL', 'ENTERPRISE_FQDN_ALLOWLIST')),
    started_at      TIMESTAMPTZ,
    completed_at    TIMESTAMPTZ,
    wipe_started_at TIMESTAMPTZ,
    wipe_completed_at TIMESTAMPTZ
);
CREATE INDEX ON remote_execution_sessions (job_id);
CREATE TABLE secure_wipe_evidence (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id          UUID NOT NULL REFERENCES refactor_jobs(id),
    execution_session_id UUID NOT NULL REFERENCES remote_execution_sessions(id),
    wipe_type       TEXT NOT NULL CHECK (wipe_type IN ('WORKSPACE_VOLUME', 'COW_LAYER', 'SCRATCH_SOURCE', 'EPHEMERAL_DISK')),
    verified        BOOLEAN NOT NULL DEFAULT FALSE,
    evidence_hash   TEXT,
    completed_at    TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX ON secure_wipe_evidence (job_id);
CREATE TABLE dependency_cache_index (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id          UUID NOT NULL REFERENCES organizations(id),
    repo_id         TEXT NOT NULL,
    cache_key       TEXT NOT NULL,
    cache_storage_key TEXT NOT NULL,
    cache_layer_type TEXT NOT NULL CHECK (cache_layer_type IN ('READ_ONLY_BASE', 'COW_JOB_LAYER')),
    job_id          UUID REFERENCES refactor_jobs(id),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    expires_at      TIMESTAMPTZ
);
CREATE UNIQUE INDEX ON dependency_cache_index (org_id, repo_id, cache_key, cache_layer_type);
CREATE TABLE repo_sync_scratch_records (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id          UUID NOT NULL REFERENCES refactor_jobs(id),
    scratch_storage_key TEXT NOT NULL,
    payload_handoff_at TIMESTAMPTZ,
    wipe_completed_at TIMESTAMPTZ,
    wipe_evidence_hash TEXT
);
CREATE INDEX ON repo_sync_scratch_records (job_id);
CREATE TABLE entitlement_snapshots (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id          UUID NOT NULL UNIQUE REFERENCES refactor_jobs(id),
    user_id         UUID NOT NULL REFERENCES users(id),
    tier            TEXT NOT NULL,
    operating_mode  TEXT NOT NULL,
    execution_mode  TEXT NOT NULL,
    phase_limits    JSONB NOT NULL,
    web_github_enabled BOOLEAN NOT NULL,
    context_cap     INTEGER NOT NULL,
    snapshotted_at  TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

-- §15 V2 compliance
CREATE TABLE data_erasure_requests (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         UUID NOT NULL REFERENCES users(id),
    requested_at    TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    status          TEXT NOT NULL CHECK (status IN ('PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED')),
    completed_at    TIMESTAMPTZ,
    evidence_log    JSONB
);
CREATE INDEX ON data_erasure_requests (user_id);
CREATE TABLE audit_export_jobs (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id          UUID NOT NULL REFERENCES organizations(id),
    requested_by    UUID NOT NULL REFERENCES users(id),
    from_date       TIMESTAMPTZ NOT NULL,
    to_date         TIMESTAMPTZ NOT NULL,
    filters         JSONB NOT NULL DEFAULT '{}',
    status          TEXT NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED')),
    export_url      TEXT,
    event_count     INTEGER,
    expires_at      TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX ON audit_export_jobs (org_id);

-- §16 V2 billing snapshots
CREATE TABLE billing_subject_snapshots (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id          UUID NOT NULL UNIQUE REFERENCES refactor_jobs(id),
    billing_subject TEXT NOT NULL CHECK (billing_subject IN ('USER', 'ORG')),
    user_id         UUID NOT NULL REFERENCES users(id),
    org_id          UUID REFERENCES organizations(id),
    recorded_at     TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE TABLE premium_usage_ledger (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id          UUID NOT NULL REFERENCES refactor_jobs(id),
    billing_subject TEXT NOT NULL,
    subject_id      UUID NOT NULL,
    dimension       TEXT NOT NULL CHECK (dimension IN ('SANDBOX_SECONDS', 'PHASE_2_RUN', 'PHASE_3_RUN')),
    quantity        NUMERIC NOT NULL,
    billable        BOOLEAN NOT NULL DEFAULT TRUE,
    failure_reason  TEXT,
    recorded_at     TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX ON premium_usage_ledger (job_id);
CREATE INDEX ON premium_usage_ledger (subject_id, dimension, recorded_at);

-- §17 V2 remote diff sync
CREATE TABLE remote_diff_sync_records (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id          UUID NOT NULL REFERENCES refactor_jobs(id),
    requester_id    UUID NOT NULL REFERENCES users(id),
    artifact_hash   TEXT NOT NULL,
    apply_outcome   TEXT CHECK (apply_outcome IN ('APPLIED', 'BLOCKED_CONFLICT', 'REJECTED_BY_USER')),
    conflict_files  TEXT[],
    conflict_resolution_mode TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX ON remote_diff_sync_records (job_id);

-- §18 V2 delivery and rebase
CREATE TABLE delivery_policy_snapshots (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id          UUID NOT NULL UNIQUE REFERENCES refactor_jobs(id),
    policy          TEXT NOT NULL CHECK (policy IN ('DRAFT_PR', 'READY_FOR_REVIEW_PR')),
    org_guardrail_applied BOOLEAN NOT NULL DEFAULT FALSE,
    resulting_pr_state TEXT,
    recorded_at     TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE TABLE rebase_validation_records (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id          UUID NOT NULL REFERENCES refactor_jobs(id),
    source_head_sha TEXT NOT NULL,
    rebased_head_sha TEXT,
    baseline_outcome TEXT CHECK (baseline_outcome IN ('PASSED', 'FAILED', 'SKIPPED')),
    terminal_resolution TEXT CHECK (terminal_resolution IN ('DELIVERY_SUCCESS', 'TERMINAL_CONFLICT', 'IN_PROGRESS')),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX ON rebase_validation_records (job_id);
CREATE TABLE merge_assist_records (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id          UUID NOT NULL REFERENCES refactor_jobs(id),
    strategy        TEXT NOT NULL CHECK (strategy IN ('THREE_WAY_MERGE', 'AUTO_STASH_APPLY_POP')),
    touched_files   TEXT[],
    conflict_markers_present BOOLEAN NOT NULL DEFAULT FALSE,
    user_confirmed  BOOLEAN,
    confirmed_at    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX ON merge_assist_records (job_id);
