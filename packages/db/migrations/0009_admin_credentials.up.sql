-- 0009_admin_credentials: recorded addition (docs/db/ADDITIONS.md; DB_SCHEMA §19 "mandatory 2FA
-- (enforced at application layer)", API_CONTRACT §6 "user must change on first login" and
-- "temporary password expires in 24h"; V1-FR-OPS-001). §19 has no column for the second factor
-- or the forced password change, so they live beside admin_accounts, one row per admin.
CREATE TABLE admin_credentials (
    admin_id                      UUID PRIMARY KEY REFERENCES admin_accounts(id),
    totp_secret                   TEXT,
    totp_last_step                BIGINT,
    password_change_required      BOOLEAN NOT NULL DEFAULT FALSE,
    temporary_password_expires_at TIMESTAMPTZ,
    updated_at                    TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
