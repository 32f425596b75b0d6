-- 0001_v1_core: DB_SCHEMA.md §2, §3, §4, §5, §6, §7, §19, §8, §9, §10, §11.

-- §2 Core entities
CREATE TABLE users (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    email           TEXT NOT NULL UNIQUE,
    password_hash   TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    deleted_at      TIMESTAMPTZ,
    consent_given_at TIMESTAMPTZ
);
CREATE INDEX ON users (email);
CREATE TABLE oauth_accounts (
    id                   UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id              UUID NOT NULL REFERENCES users(id),
    provider             TEXT NOT NULL CHECK (provider IN ('GITHUB', 'GOOGLE')),
    provider_account_id  TEXT NOT NULL,
    provider_login       TEXT,
    provider_email       TEXT,
    scopes               TEXT[] NOT NULL DEFAULT '{}',
    created_at           TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at           TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE UNIQUE INDEX ON oauth_accounts (provider, provider_account_id);
CREATE INDEX ON oauth_accounts (user_id);
CREATE TABLE subscription_tiers (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         UUID NOT NULL REFERENCES users(id),
    tier            TEXT NOT NULL CHECK (tier IN ('FREE', 'PLUS', 'PRO', 'MAX', 'ENTERPRISE')),
    status          TEXT NOT NULL CHECK (status IN ('ACTIVE', 'PAST_DUE', 'CANCELLED', 'TRIAL')),
    context_cap     INTEGER NOT NULL,
    operating_mode  TEXT NOT NULL CHECK (operating_mode IN ('SIMPLE', 'PROFESSIONAL', 'ENTERPRISE')),
    billing_cycle_start TIMESTAMPTZ NOT NULL,
    billing_cycle_end   TIMESTAMPTZ NOT NULL,
    payment_gateway TEXT,
    external_customer_id TEXT,
    external_subscription_id TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX ON subscription_tiers (user_id);
CREATE INDEX ON subscription_tiers (external_subscription_id);
CREATE TABLE usage_ledger (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         UUID NOT NULL REFERENCES users(id),
    job_id          UUID,
    event_type      TEXT NOT NULL,
    quantity        INTEGER NOT NULL DEFAULT 1,
    billable        BOOLEAN NOT NULL DEFAULT TRUE,
    failure_class   TEXT,
    billing_cycle_id UUID,
    idempotency_key TEXT NOT NULL UNIQUE,
    recorded_at     TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX ON usage_ledger (user_id, recorded_at);
CREATE INDEX ON usage_ledger (job_id);
CREATE INDEX ON usage_ledger (idempotency_key);
CREATE TABLE quota_reservations (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         UUID NOT NULL REFERENCES users(id),
    job_id          UUID NOT NULL,
    phase           INTEGER NOT NULL CHECK (phase IN (1, 2, 3)),
    quantity        INTEGER NOT NULL DEFAULT 1,
    status          TEXT NOT NULL CHECK (status IN ('RESERVED', 'COMMITTED', 'RELEASED')),
    idempotency_key TEXT NOT NULL UNIQUE,
    lock_owner      TEXT,
    reserved_at     TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    committed_at    TIMESTAMPTZ,
    released_at     TIMESTAMPTZ,
    release_reason  TEXT
);
CREATE INDEX ON quota_reservations (job_id);
CREATE INDEX ON quota_reservations (idempotency_key);

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

-- §6 Audit and observability
CREATE TABLE audit_events (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    actor_id        UUID REFERENCES users(id),
    job_id          UUID REFERENCES refactor_jobs(id),
    event_type      TEXT NOT NULL,
    old_state       TEXT,
    new_state       TEXT,
    metadata        JSONB NOT NULL DEFAULT '{}',
    ip_address      INET,
    surface         TEXT CHECK (surface IN ('IDE', 'WEB', 'API', 'SYSTEM')),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX ON audit_events (job_id, created_at DESC);
CREATE INDEX ON audit_events (actor_id, created_at DESC);
CREATE INDEX ON audit_events (event_type);

-- §7 Payment entities
CREATE TABLE payment_subscriptions (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         UUID NOT NULL REFERENCES users(id),
    gateway         TEXT NOT NULL,
    external_subscription_id TEXT NOT NULL UNIQUE,
    external_customer_id TEXT NOT NULL,
    tier            TEXT NOT NULL,
    status          TEXT NOT NULL,
    current_period_start TIMESTAMPTZ,
    current_period_end   TIMESTAMPTZ,
    cancelled_at    TIMESTAMPTZ,
    last_webhook_event_id TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX ON payment_subscriptions (user_id);
CREATE INDEX ON payment_subscriptions (external_subscription_id);
CREATE INDEX ON payment_subscriptions (last_webhook_event_id);

-- §19 Admin console
CREATE TABLE admin_accounts (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    email           TEXT NOT NULL UNIQUE,
    password_hash   TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('SUPER_ADMIN', 'ENGINEER', 'SUPPORT')),
    status          TEXT NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'SUSPENDED', 'DEACTIVATED')),
    created_by      UUID REFERENCES admin_accounts(id),
    last_login_at   TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE UNIQUE INDEX ON admin_accounts (email);
CREATE INDEX ON admin_accounts (role);
CREATE TABLE admin_sessions (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    admin_id        UUID NOT NULL REFERENCES admin_accounts(id),
    token_hash      TEXT NOT NULL UNIQUE,
    ip_address      TEXT,
    user_agent      TEXT,
    expires_at      TIMESTAMPTZ NOT NULL,
    revoked_at      TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX ON admin_sessions (admin_id);
CREATE INDEX ON admin_sessions (token_hash);

-- §8 Configuration
CREATE TABLE dynamic_configs (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    config_key      TEXT NOT NULL UNIQUE,
    config_value    JSONB NOT NULL,
    scope           TEXT NOT NULL DEFAULT 'GLOBAL',
    scope_id        UUID,
    updated_by      UUID REFERENCES admin_accounts(id),
    reason          TEXT,
    effective_at    TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX ON dynamic_configs (config_key);

-- §9 Support
CREATE TABLE support_ticket_logs (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         UUID NOT NULL REFERENCES users(id),
    job_id          UUID REFERENCES refactor_jobs(id),
    external_ticket_id TEXT NOT NULL,
    issue_type      TEXT NOT NULL,
    consent_given   BOOLEAN NOT NULL DEFAULT FALSE,
    payload_mode    TEXT NOT NULL DEFAULT 'METADATA_ONLY',
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX ON support_ticket_logs (user_id);
CREATE INDEX ON support_ticket_logs (job_id);

-- §10 Heartbeat sessions
CREATE TABLE client_heartbeat_sessions (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id          UUID NOT NULL REFERENCES refactor_jobs(id),
    session_id      TEXT NOT NULL,
    workflow_run_id TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('ACTIVE', 'GRACE_PERIOD', 'LOST', 'RECOVERED', 'TERMINATED')),
    timeout_policy_version TEXT NOT NULL DEFAULT '1.0',
    grace_window_seconds INTEGER NOT NULL DEFAULT 300,
    last_seen_at    TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    grace_deadline_at TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE UNIQUE INDEX ON client_heartbeat_sessions (job_id, session_id);

-- §11 Billing checkpoints
CREATE TABLE billing_checkpoint_records (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id          UUID NOT NULL REFERENCES refactor_jobs(id),
    workflow_state  TEXT NOT NULL,
    checkpoint_type TEXT NOT NULL CHECK (checkpoint_type IN ('PRE_CHARGE', 'POST_CHARGE')),
    charge_policy   TEXT NOT NULL,
    disconnect_at   TIMESTAMPTZ,
    recorded_at     TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX ON billing_checkpoint_records (job_id);
