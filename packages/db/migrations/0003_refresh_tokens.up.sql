-- 0003_refresh_tokens: recorded addition (docs/db/ADDITIONS.md; DB_SCHEMA §20 invariant 18,
-- V1-FR-AUTH-003). Opaque refresh tokens stored hashed; a rotation family lets reuse of a
-- rotated token revoke the whole family.
CREATE TABLE refresh_tokens (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         UUID NOT NULL REFERENCES users(id),
    token_hash      TEXT NOT NULL UNIQUE,
    family_id       UUID NOT NULL,
    replaced_by     UUID REFERENCES refresh_tokens(id),
    expires_at      TIMESTAMPTZ NOT NULL,
    revoked_at      TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX ON refresh_tokens (user_id);
CREATE INDEX ON refresh_tokens (family_id);
