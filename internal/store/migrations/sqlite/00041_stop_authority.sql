-- Stop authority and edge authorization (ISO/IEC 42001 A.9.2; EU AI Act
-- Art. 14 and 26(5)): suspensions of AI systems and model versions, the
-- systems an API token is limited to, and a per-organization version of
-- everything the authorization answer depends on, which each replica polls
-- to drop its cached answers (docs/decisions.md).
-- Keep in step with ../postgres/00041_stop_authority.sql.

-- +goose Up
-- A suspension stops a whole system (model_version_id NULL) or one model
-- version until someone with the same authority resumes it; rows are never
-- deleted, so the history stays. target is what is stopped (the system's or
-- the version's id): one open suspension per target.
CREATE TABLE suspensions (
    id                 TEXT PRIMARY KEY,
    org_id             TEXT NOT NULL,
    system_id          TEXT NOT NULL,
    model_version_id   TEXT,
    target             TEXT NOT NULL,
    reason             TEXT NOT NULL,
    suspended_at       TIMESTAMP NOT NULL,
    suspended_by       TEXT NOT NULL,
    suspended_by_label TEXT NOT NULL,
    resumed_at         TIMESTAMP,
    resumed_by         TEXT NOT NULL DEFAULT '',
    resumed_by_label   TEXT NOT NULL DEFAULT '',
    resume_note        TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (org_id, system_id) REFERENCES ai_systems (org_id, id),
    FOREIGN KEY (org_id, model_version_id) REFERENCES model_versions (org_id, id)
);
CREATE UNIQUE INDEX suspensions_open ON suspensions (org_id, target) WHERE resumed_at IS NULL;
CREATE INDEX suspensions_system ON suspensions (org_id, system_id, suspended_at);

-- The systems an API token is limited to, space-separated (empty: any).
ALTER TABLE api_tokens ADD COLUMN systems TEXT NOT NULL DEFAULT '';

-- authz_versions counts, per organization, the changes that can alter an
-- authorization answer or a token's powers. Triggers bump it in the
-- transaction that makes the change, whichever code path makes it; every
-- replica polls it and drops its cache of the organization when it moves.
CREATE TABLE authz_versions (
    org_id  TEXT PRIMARY KEY REFERENCES organizations (id),
    version INTEGER NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER ai_systems_authz_update AFTER UPDATE OF lifecycle_stage ON ai_systems
BEGIN
    INSERT OR IGNORE INTO authz_versions (org_id, version) VALUES (NEW.org_id, 0);
    UPDATE authz_versions SET version = version + 1 WHERE org_id = NEW.org_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER ai_systems_authz_delete AFTER DELETE ON ai_systems
BEGIN
    INSERT OR IGNORE INTO authz_versions (org_id, version) VALUES (OLD.org_id, 0);
    UPDATE authz_versions SET version = version + 1 WHERE org_id = OLD.org_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER model_versions_authz_insert AFTER INSERT ON model_versions
BEGIN
    INSERT OR IGNORE INTO authz_versions (org_id, version) VALUES (NEW.org_id, 0);
    UPDATE authz_versions SET version = version + 1 WHERE org_id = NEW.org_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER model_versions_authz_update AFTER UPDATE OF status, version_key, digest ON model_versions
BEGIN
    INSERT OR IGNORE INTO authz_versions (org_id, version) VALUES (NEW.org_id, 0);
    UPDATE authz_versions SET version = version + 1 WHERE org_id = NEW.org_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER model_versions_authz_delete AFTER DELETE ON model_versions
BEGIN
    INSERT OR IGNORE INTO authz_versions (org_id, version) VALUES (OLD.org_id, 0);
    UPDATE authz_versions SET version = version + 1 WHERE org_id = OLD.org_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER suspensions_authz_insert AFTER INSERT ON suspensions
BEGIN
    INSERT OR IGNORE INTO authz_versions (org_id, version) VALUES (NEW.org_id, 0);
    UPDATE authz_versions SET version = version + 1 WHERE org_id = NEW.org_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER suspensions_authz_update AFTER UPDATE ON suspensions
BEGIN
    INSERT OR IGNORE INTO authz_versions (org_id, version) VALUES (NEW.org_id, 0);
    UPDATE authz_versions SET version = version + 1 WHERE org_id = NEW.org_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER api_tokens_authz_update AFTER UPDATE OF revoked_at, expires_at, scopes, systems ON api_tokens
BEGIN
    INSERT OR IGNORE INTO authz_versions (org_id, version) VALUES (NEW.org_id, 0);
    UPDATE authz_versions SET version = version + 1 WHERE org_id = NEW.org_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER api_tokens_authz_delete AFTER DELETE ON api_tokens
BEGIN
    INSERT OR IGNORE INTO authz_versions (org_id, version) VALUES (OLD.org_id, 0);
    UPDATE authz_versions SET version = version + 1 WHERE org_id = OLD.org_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER memberships_authz_update AFTER UPDATE OF role, disabled ON memberships
BEGIN
    INSERT OR IGNORE INTO authz_versions (org_id, version) VALUES (NEW.org_id, 0);
    UPDATE authz_versions SET version = version + 1 WHERE org_id = NEW.org_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER memberships_authz_delete AFTER DELETE ON memberships
BEGIN
    INSERT OR IGNORE INTO authz_versions (org_id, version) VALUES (OLD.org_id, 0);
    UPDATE authz_versions SET version = version + 1 WHERE org_id = OLD.org_id;
END;
-- +goose StatementEnd

-- +goose Down
-- Forward-only: restore from a backup instead.
