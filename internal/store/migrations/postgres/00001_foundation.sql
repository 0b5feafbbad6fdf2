-- Foundation: organizations, accounts, sessions, the audit trail and the AI
-- system inventory (ISO/IEC 42001 A.4, A.6, A.7, A.10).
-- Keep in step with ../sqlite/00001_foundation.sql.

-- +goose Up
CREATE TABLE organizations (
    id         TEXT PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    last_login_at TIMESTAMPTZ
);

CREATE TABLE memberships (
    org_id     TEXT NOT NULL REFERENCES organizations (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    role       TEXT NOT NULL CHECK (role IN ('admin', 'aims_manager', 'system_owner', 'contributor', 'auditor', 'viewer')),
    disabled   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    expires_at   TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ,
    FOREIGN KEY (org_id, user_id) REFERENCES memberships (org_id, user_id)
);
CREATE INDEX api_tokens_org_user ON api_tokens (org_id, user_id);

CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BYTEA NOT NULL,
    expiry TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

CREATE TABLE audit_events (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations (id),
    occurred_at    TIMESTAMPTZ NOT NULL,
    actor_kind     TEXT NOT NULL CHECK (actor_kind IN ('user', 'token', 'cli', 'system')),
    actor_user_id  TEXT NOT NULL DEFAULT '',
    actor_token_id TEXT NOT NULL DEFAULT '',
    actor_label    TEXT NOT NULL,
    action         TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    entity_type    TEXT NOT NULL,
    entity_id      TEXT NOT NULL,
    entity_label   TEXT NOT NULL,
    before_json    TEXT,
    after_json     TEXT,
    request_id     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_org_time ON audit_events (org_id, occurred_at, id);
CREATE INDEX audit_events_entity ON audit_events (org_id, entity_type, entity_id);
CREATE INDEX audit_events_actor ON audit_events (org_id, actor_user_id);

-- The audit trail is append-only (ISO/IEC 42001 7.5.3). The tamper-evident
-- log proves it; these triggers stop honest mistakes.
-- +goose StatementBegin
CREATE FUNCTION audit_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

CREATE TABLE suppliers (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations (id),
    name             TEXT NOT NULL,
    name_key         TEXT NOT NULL,
    supplies         TEXT NOT NULL,
    contact          TEXT NOT NULL DEFAULT '',
    website          TEXT NOT NULL DEFAULT '',
    assessment_notes TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX suppliers_name ON suppliers (org_id, name_key);

CREATE TABLE ai_systems (
    id                  TEXT PRIMARY KEY,
    org_id              TEXT NOT NULL REFERENCES organizations (id),
    name                TEXT NOT NULL,
    name_key            TEXT NOT NULL,
    purpose             TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    owner_id            TEXT NOT NULL,
    business_unit       TEXT NOT NULL DEFAULT '',
    site                TEXT NOT NULL DEFAULT '',
    operator_roles      TEXT NOT NULL,
    lifecycle_stage     TEXT NOT NULL CHECK (lifecycle_stage IN ('idea', 'design', 'development', 'verification_and_validation', 'deployed', 'suspended', 'retired')),
    autonomy            TEXT NOT NULL CHECK (autonomy IN ('advisory', 'human_approval', 'human_override', 'autonomous')),
    impact_domains      TEXT NOT NULL,
    techniques          TEXT NOT NULL,
    supplier_id         TEXT,
    in_scope            BOOLEAN NOT NULL,
    scope_justification TEXT NOT NULL DEFAULT '',
    tags                TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, owner_id) REFERENCES memberships (org_id, user_id),
    FOREIGN KEY (org_id, supplier_id) REFERENCES suppliers (org_id, id)
);
CREATE UNIQUE INDEX ai_systems_name ON ai_systems (org_id, name_key);
CREATE INDEX ai_systems_stage ON ai_systems (org_id, lifecycle_stage, name_key);
CREATE INDEX ai_systems_owner ON ai_systems (org_id, owner_id);
CREATE INDEX ai_systems_supplier ON ai_systems (org_id, supplier_id);
CREATE INDEX ai_systems_updated ON ai_systems (org_id, updated_at);

CREATE TABLE model_versions (
    id                    TEXT PRIMARY KEY,
    org_id                TEXT NOT NULL,
    system_id             TEXT NOT NULL,
    version               TEXT NOT NULL,
    version_key           TEXT NOT NULL,
    digest                TEXT NOT NULL CHECK (length(digest) = 64),
    source_uri            TEXT NOT NULL DEFAULT '',
    training_data_summary TEXT NOT NULL DEFAULT '',
    status                TEXT NOT NULL CHECK (status IN ('candidate', 'validated', 'approved', 'deployed', 'retired')),
    notes                 TEXT NOT NULL DEFAULT '',
    registered_by         TEXT REFERENCES users (id),
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL,
    status_changed_at     TIMESTAMPTZ NOT NULL,
    deployed_at           TIMESTAMPTZ,
    retired_at            TIMESTAMPTZ,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, system_id) REFERENCES ai_systems (org_id, id)
);
CREATE UNIQUE INDEX model_versions_version ON model_versions (system_id, version_key);
CREATE INDEX model_versions_system ON model_versions (org_id, system_id, created_at);
CREATE INDEX model_versions_digest ON model_versions (org_id, digest);

CREATE TABLE datasets (
    id                TEXT PRIMARY KEY,
    org_id            TEXT NOT NULL REFERENCES organizations (id),
    name              TEXT NOT NULL,
    name_key          TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    origin            TEXT NOT NULL DEFAULT '',
    collection_method TEXT NOT NULL DEFAULT '',
    personal_data     TEXT NOT NULL CHECK (personal_data IN ('yes', 'no', 'unknown')),
    licence           TEXT NOT NULL DEFAULT '',
    quality_notes     TEXT NOT NULL DEFAULT '',
    window_start      TIMESTAMPTZ,
    window_end        TIMESTAMPTZ,
    supplier_id       TEXT,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, supplier_id) REFERENCES suppliers (org_id, id)
);
CREATE UNIQUE INDEX datasets_name ON datasets (org_id, name_key);
CREATE INDEX datasets_supplier ON datasets (org_id, supplier_id);

CREATE TABLE dataset_uses (
    org_id           TEXT NOT NULL,
    model_version_id TEXT NOT NULL,
    dataset_id       TEXT NOT NULL,
    purpose          TEXT NOT NULL CHECK (purpose IN ('training', 'validation', 'test', 'operation')),
    PRIMARY KEY (model_version_id, dataset_id, purpose),
    FOREIGN KEY (org_id, model_version_id) REFERENCES model_versions (org_id, id),
    FOREIGN KEY (org_id, dataset_id) REFERENCES datasets (org_id, id)
);
CREATE INDEX dataset_uses_dataset ON dataset_uses (org_id, dataset_id);

-- Passwords of the demo organization's accounts, kept so that every start in
-- demo mode can print them. Only demo accounts are ever written here.
CREATE TABLE demo_credentials (
    email    TEXT PRIMARY KEY,
    role     TEXT NOT NULL,
    password TEXT NOT NULL
);

-- +goose Down
-- Forward-only: restore from a backup instead.
