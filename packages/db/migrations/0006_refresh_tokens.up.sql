-- 0006_refresh_tokens: recorded addition (docs/db/ADDITIONS.md; DB_SCHEMA §20 invariant 18,
-- V1-FR-AUTH-003, V1-FR-AUTH-004). Product refresh tokens are stored only as a hash; every token
-- issued from one login shares a family, so presenting a revoked (rotated) token can revoke the
-- whole family.
CREATE TABLE refresh_tokens (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         UUID NOT NULL REFERENCES users(id),
    token_hash      TEXT NOT NULL UNIQUE,
    family_id       UUID NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    revoked_at      TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX ON refresh_tokens (user_id);
CREATE INDEX ON refresh_tokens (family_id);
