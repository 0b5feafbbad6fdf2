-- +goose Up
-- Lifecycle gates (issue 17, ISO/IEC 42001 A.6.2.4, A.6.2.5): validation
-- metrics of model versions, acceptance criteria (per system or per
-- version), an organization's own gate definitions, and the gate's checks
-- and any admin override kept with the act that moved a model version.
-- Keep in step with the other dialect's 00180_gates.sql.
CREATE TABLE validation_metrics (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations (id),
    model_version_id TEXT NOT NULL,
    name             TEXT NOT NULL,
    value            DOUBLE PRECISION NOT NULL,
    unit             TEXT NOT NULL DEFAULT '',
    dataset_id       TEXT NOT NULL DEFAULT '',
    source           TEXT NOT NULL DEFAULT '',
    recorded_at      TIMESTAMP NOT NULL,
    FOREIGN KEY (org_id, model_version_id) REFERENCES model_versions (org_id, id) ON DELETE CASCADE
);
CREATE INDEX validation_metrics_version ON validation_metrics (org_id, model_version_id);

CREATE TABLE acceptance_criteria (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations (id),
    system_id        TEXT NOT NULL,
    model_version_id TEXT NOT NULL DEFAULT '',
    metric           TEXT NOT NULL,
    comparison       TEXT NOT NULL CHECK (comparison IN ('<=', '<', '>=', '>', '==')),
    threshold        DOUBLE PRECISION NOT NULL,
    unit             TEXT NOT NULL DEFAULT '',
    dataset_id       TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX acceptance_criteria_system ON acceptance_criteria (org_id, system_id);

-- An organization's own definition of a gate (JSON checks); without one
-- the defaults of package gate apply.
CREATE TABLE gate_definitions (
    id         TEXT NOT NULL UNIQUE,
    org_id     TEXT NOT NULL REFERENCES organizations (id),
    gate       TEXT NOT NULL,
    checks     TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, gate)
);

ALTER TABLE model_version_approvals ADD COLUMN gate TEXT NOT NULL DEFAULT '';
ALTER TABLE model_version_approvals ADD COLUMN checks TEXT NOT NULL DEFAULT '[]';
ALTER TABLE model_version_approvals ADD COLUMN override_reason TEXT NOT NULL DEFAULT '';

-- The gates' facts change the authorization answer's reason: bump the
-- organization's authorization version when they change.
CREATE TRIGGER validation_metrics_authz AFTER INSERT OR UPDATE OR DELETE ON validation_metrics
    FOR EACH ROW EXECUTE FUNCTION bump_authz_version();
CREATE TRIGGER acceptance_criteria_authz AFTER INSERT OR UPDATE OR DELETE ON acceptance_criteria
    FOR EACH ROW EXECUTE FUNCTION bump_authz_version();
CREATE TRIGGER gate_definitions_authz AFTER INSERT OR UPDATE OR DELETE ON gate_definitions
    FOR EACH ROW EXECUTE FUNCTION bump_authz_version();
CREATE TRIGGER evidence_links_authz AFTER INSERT OR DELETE ON evidence_links
    FOR EACH ROW EXECUTE FUNCTION bump_authz_version();
CREATE TRIGGER evidence_revisions_authz AFTER INSERT ON evidence_revisions
    FOR EACH ROW EXECUTE FUNCTION bump_authz_version();

-- +goose Down
-- Forward-only: restore from a backup instead.
