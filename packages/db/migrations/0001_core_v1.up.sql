-- 0001_core_v1: DB_SCHEMA.md §2 (users, OAuth identities, entitlements, usage ledger, quota reservations).

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
