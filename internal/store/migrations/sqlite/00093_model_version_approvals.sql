-- +goose Up
-- The recorded acts that move a model version to approved or deployed
-- (issue 14 item 2): who, when, and on what evidence against which
-- acceptance criteria (ISO/IEC 42001 A.6.2.4, A.6.2.5).
CREATE TABLE model_version_approvals (
    id                  TEXT PRIMARY KEY,
    org_id              TEXT NOT NULL,
    model_version_id    TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('approved', 'deployed')),
    evidence            TEXT NOT NULL CHECK (evidence <> ''),
    acceptance_criteria TEXT NOT NULL CHECK (acceptance_criteria <> ''),
    result              TEXT NOT NULL CHECK (result <> ''),
    approved_by         TEXT REFERENCES users (id),
    approved_by_label   TEXT NOT NULL,
    approved_at         TIMESTAMP NOT NULL,
    FOREIGN KEY (org_id, model_version_id) REFERENCES model_versions (org_id, id)
);
CREATE INDEX model_version_approvals_version ON model_version_approvals (org_id, model_version_id, approved_at);
