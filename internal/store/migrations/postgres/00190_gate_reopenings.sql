-- +goose Up
-- Gate re-openings (issue 17 item 4; ISO/IEC 42001 8.1, A.6.2.6): a
-- material change (a dataset, a feature's tags, the system's supplier, a
-- failed recalibration, a new model version) re-opens a model version's
-- validation gate, or the system's deployment gate, in the transaction of
-- the change. An open re-opening of a version makes the authorization
-- answer for it no until it is cleared.
CREATE TABLE gate_reopenings (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations (id),
    system_id        TEXT NOT NULL,
    model_version_id TEXT,
    gate             TEXT NOT NULL CHECK (gate IN ('validation', 'deployment')),
    cause            TEXT NOT NULL CHECK (cause IN ('new_model_version', 'dataset_changed', 'feature_tags_changed',
                         'supplier_changed', 'recalibration_failed', 'threshold_breach', 'model_datasets_changed')),
    cause_type       TEXT NOT NULL,
    cause_id         TEXT NOT NULL,
    cause_label      TEXT NOT NULL DEFAULT '',
    reason           TEXT NOT NULL,
    affects_impact   BOOLEAN NOT NULL,
    reopened_at      TIMESTAMPTZ NOT NULL,
    reopened_by      TEXT NOT NULL DEFAULT '',
    cleared_at       TIMESTAMPTZ,
    cleared_by       TEXT NOT NULL DEFAULT '',
    cleared_reason   TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (org_id, system_id) REFERENCES ai_systems (org_id, id),
    FOREIGN KEY (org_id, model_version_id) REFERENCES model_versions (org_id, id)
);
CREATE INDEX gate_reopenings_system ON gate_reopenings (org_id, system_id, reopened_at);
CREATE INDEX gate_reopenings_open ON gate_reopenings (org_id, model_version_id) WHERE cleared_at IS NULL;

-- A re-opening and its clearing change authorization answers.
CREATE TRIGGER gate_reopenings_authz AFTER INSERT OR UPDATE OR DELETE ON gate_reopenings
    FOR EACH ROW EXECUTE FUNCTION bump_authz_version();
