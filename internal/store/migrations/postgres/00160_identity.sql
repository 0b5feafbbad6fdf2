-- Identity (ISO/IEC 42001 A.3; OWASP ASVS 5.0 V6, V7): an organization's
-- sign-in settings (OpenID Connect provider, group-to-role table, default
-- role, whether only invited people may join, whether local passwords
-- work, whether a second factor is required), the provider identities
-- linked to accounts, TOTP second factors with recovery codes, and what a
-- person sees of their web sessions. Keep in step with
-- ../sqlite/00160_identity.sql.

-- +goose Up
CREATE TABLE sign_in_settings (
    id                TEXT PRIMARY KEY,   -- the organization's id: one row an organization
    org_id            TEXT NOT NULL UNIQUE REFERENCES organizations (id),
    sso_enabled       BOOLEAN NOT NULL DEFAULT FALSE,
    display_name      TEXT NOT NULL DEFAULT '',
    issuer            TEXT NOT NULL DEFAULT '',
    client_id         TEXT NOT NULL DEFAULT '',
    client_secret     TEXT NOT NULL DEFAULT '', -- sealed with the instance's key, or env:NAME; never shown
    scopes            TEXT NOT NULL DEFAULT '',
    group_claim       TEXT NOT NULL DEFAULT '',
    group_roles       TEXT NOT NULL DEFAULT '[]', -- JSON [{group, role}], read from the top
    default_role      TEXT NOT NULL DEFAULT 'viewer' CHECK (default_role IN ('aims_manager', 'system_owner', 'contributor', 'auditor', 'viewer')),
    invited_only      BOOLEAN NOT NULL DEFAULT FALSE,
    local_passwords   BOOLEAN NOT NULL DEFAULT TRUE,
    break_glass_email TEXT NOT NULL DEFAULT '',
    totp_required     TEXT NOT NULL DEFAULT 'none' CHECK (totp_required IN ('none', 'admins', 'all')),
    updated_at        TIMESTAMPTZ NOT NULL
);

-- A provider's person (issuer and subject) is one account in one
-- organization; the email may change at the provider, the subject not.
CREATE TABLE sso_identities (
    org_id        TEXT NOT NULL REFERENCES organizations (id),
    issuer        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users (id),
    created_at    TIMESTAMPTZ NOT NULL,
    last_login_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, issuer, subject)
);
CREATE INDEX sso_identities_user ON sso_identities (user_id);

-- A local account's TOTP secret, sealed with the instance's key. It counts
-- once confirmed by a first code; last_step is the time step of the last
-- code accepted, so that no code works twice.
CREATE TABLE user_totp (
    user_id      TEXT PRIMARY KEY REFERENCES users (id),
    secret       TEXT NOT NULL,
    confirmed_at TIMESTAMPTZ,
    last_step    BIGINT NOT NULL DEFAULT 0,
    created_at   TIMESTAMPTZ NOT NULL
);

-- One-time recovery codes, stored as hashes; shown once at enrolment.
CREATE TABLE recovery_codes (
    user_id   TEXT NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    used_at   TIMESTAMPTZ,
    PRIMARY KEY (user_id, code_hash)
);

-- What a person sees of a web session (the session itself is in sessions,
-- under the same token): the device, the address, when it began and when
-- it was last used. The id names it in pages, never the token.
CREATE TABLE session_info (
    id           TEXT PRIMARY KEY,
    token        TEXT NOT NULL UNIQUE,
    user_id      TEXT NOT NULL,
    org_id       TEXT NOT NULL,
    user_agent   TEXT NOT NULL,
    address      TEXT NOT NULL,
    method       TEXT NOT NULL CHECK (method IN ('password', 'sso')),
    started_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX session_info_user ON session_info (user_id);
