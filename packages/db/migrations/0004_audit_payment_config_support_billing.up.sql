-- 0004_audit_payment_config_support_billing: DB_SCHEMA.md §6 (audit), §7 (payment mirror), §8 (dynamic
-- config), §9 (support), §10 (heartbeat sessions), §11 (billing checkpoints).

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
