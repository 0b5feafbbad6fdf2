-- Stop authority and edge authorization (ISO/IEC 42001 A.9.2; EU AI Act
-- Art. 14 and 26(5)): suspensions of AI systems and model versions, the
-- systems an API token is limited to, and a per-organization version of
-- everything the authorization answer depends on, which each replica polls
-- to drop its cached answers (docs/decisions.md).
-- Keep in step with ../sqlite/00041_stop_authority.sql.

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
    suspended_at       TIMESTAMPTZ NOT NULL,
    suspended_by       TEXT NOT NULL,
    suspended_by_label TEXT NOT NULL,
    resumed_at         TIMESTAMPTZ,
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
    version BIGINT NOT NULL
);

-- +goose StatementBegin
CREATE FUNCTION bump_authz_version() RETURNS trigger AS $$
DECLARE
    org TEXT;
BEGIN
    IF TG_OP = 'DELETE' THEN
        org := OLD.org_id;
    ELSE
        org := NEW.org_id;
    END IF;
    INSERT INTO authz_versions (org_id, version) VALUES (org, 1)
    ON CONFLICT (org_id) DO UPDATE SET version = authz_versions.version + 1;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER ai_systems_authz AFTER UPDATE OF lifecycle_stage OR DELETE ON ai_systems
    FOR EACH ROW EXECUTE FUNCTION bump_authz_version();
CREATE TRIGGER model_versions_authz AFTER INSERT OR UPDATE OF status, version_key, digest OR DELETE ON model_versions
    FOR EACH ROW EXECUTE FUNCTION bump_authz_version();
CREATE TRIGGER suspensions_authz AFTER INSERT OR UPDATE ON suspensions
    FOR EACH ROW EXECUTE FUNCTION bump_authz_version();
CREATE TRIGGER api_tokens_authz AFTER UPDATE OF revoked_at, expires_at, scopes, systems OR DELETE ON api_tokens
    FOR EACH ROW EXECUTE FUNCTION bump_authz_version();
CREATE TRIGGER memberships_authz AFTER UPDATE OF role, disabled OR DELETE ON memberships
    FOR EACH ROW EXECUTE FUNCTION bump_authz_version();

-- +goose Down
-- Forward-only: restore from a backup instead.
