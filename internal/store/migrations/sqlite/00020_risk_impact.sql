-- Risk criteria, the risk register with treatment actions and control
-- links, and AI system impact assessments (ISO/IEC 42001 6.1.1 to 6.1.4,
-- 8.2 to 8.4, A.5). Keep in step with ../postgres/00020_risk_impact.sql.

-- +goose Up
-- One version of an organization's risk criteria, kept whole as JSON.
-- Versions are never changed: an edit makes a new one.
CREATE TABLE risk_criteria (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations (id),
    version    INTEGER NOT NULL,
    document   TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (org_id, version)
);

-- One version of an AI system's impact assessment; its content is kept as
-- JSON, the snapshot of the system at sign-off beside it.
CREATE TABLE impact_assessments (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL,
    system_id        TEXT NOT NULL,
    version          INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('draft', 'signed_off')),
    document         TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    created_by       TEXT NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    signed_off_at    TIMESTAMP,
    signed_off_by_id TEXT NOT NULL DEFAULT '',
    signed_off_by    TEXT NOT NULL DEFAULT '',
    snapshot         TEXT,
    UNIQUE (org_id, id),
    UNIQUE (system_id, version),
    FOREIGN KEY (org_id, system_id) REFERENCES ai_systems (org_id, id)
);
-- One draft per system at a time.
CREATE UNIQUE INDEX impact_assessments_one_draft ON impact_assessments (system_id) WHERE status = 'draft';
CREATE INDEX impact_assessments_org_system ON impact_assessments (org_id, system_id, version);

CREATE TABLE risks (
    id                   TEXT PRIMARY KEY,
    org_id               TEXT NOT NULL REFERENCES organizations (id),
    number               INTEGER NOT NULL,
    system_id            TEXT,
    title                TEXT NOT NULL,
    title_key            TEXT NOT NULL,
    description          TEXT NOT NULL DEFAULT '',
    source_kind          TEXT NOT NULL CHECK (source_kind IN ('annex_c', 'nist_gai', 'custom')),
    source_id            TEXT NOT NULL DEFAULT '',
    source_text          TEXT NOT NULL DEFAULT '',
    characteristics      TEXT NOT NULL,
    lifecycle_stage      TEXT NOT NULL DEFAULT '',
    owner_id             TEXT NOT NULL,
    criteria_version     INTEGER NOT NULL,
    likelihood           INTEGER NOT NULL CHECK (likelihood > 0),
    consequence          INTEGER NOT NULL CHECK (consequence > 0),
    level                TEXT NOT NULL,
    level_rank           INTEGER NOT NULL,
    treatment            TEXT NOT NULL DEFAULT '' CHECK (treatment IN ('', 'mitigate', 'avoid', 'share', 'retain')),
    treatment_plan       TEXT NOT NULL DEFAULT '',
    residual_likelihood  INTEGER NOT NULL DEFAULT 0,
    residual_consequence INTEGER NOT NULL DEFAULT 0,
    residual_level       TEXT NOT NULL DEFAULT '',
    residual_rank        INTEGER NOT NULL DEFAULT -1,
    status               TEXT NOT NULL CHECK (status IN ('open', 'in_treatment', 'accepted', 'closed')),
    accepted_by_id       TEXT NOT NULL DEFAULT '',
    accepted_by          TEXT NOT NULL DEFAULT '',
    accepted_at          TIMESTAMP,
    accepted_rationale   TEXT NOT NULL DEFAULT '',
    accepted_level       TEXT NOT NULL DEFAULT '',
    next_review          TIMESTAMP,
    assessment_id        TEXT,
    impact_area          TEXT NOT NULL DEFAULT '',
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    UNIQUE (org_id, number),
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, system_id) REFERENCES ai_systems (org_id, id),
    FOREIGN KEY (org_id, owner_id) REFERENCES memberships (org_id, user_id),
    FOREIGN KEY (org_id, assessment_id) REFERENCES impact_assessments (org_id, id)
);
CREATE INDEX risks_system ON risks (org_id, system_id);
CREATE INDEX risks_owner ON risks (org_id, owner_id);
CREATE INDEX risks_assessment ON risks (org_id, assessment_id, impact_area);

-- The Annex A controls that treat a risk, keyed like SoA rows so that the
-- SoA can show which risks each control treats.
CREATE TABLE risk_controls (
    org_id         TEXT NOT NULL,
    risk_id        TEXT NOT NULL,
    framework      TEXT NOT NULL,
    requirement_id TEXT NOT NULL,
    position       INTEGER NOT NULL,
    PRIMARY KEY (risk_id, framework, requirement_id),
    FOREIGN KEY (org_id, risk_id) REFERENCES risks (org_id, id)
);
CREATE INDEX risk_controls_control ON risk_controls (org_id, framework, requirement_id);

CREATE TABLE risk_actions (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL,
    risk_id      TEXT NOT NULL,
    title        TEXT NOT NULL,
    owner_id     TEXT NOT NULL,
    due_date     TIMESTAMP,
    status       TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'done', 'cancelled')),
    notes        TEXT NOT NULL DEFAULT '',
    completed_at TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    FOREIGN KEY (org_id, risk_id) REFERENCES risks (org_id, id),
    FOREIGN KEY (org_id, owner_id) REFERENCES memberships (org_id, user_id)
);
CREATE INDEX risk_actions_risk ON risk_actions (org_id, risk_id, due_date);

-- Criteria versions and signed-off assessments are frozen (ISO/IEC 42001
-- 7.5.3). The service refuses such edits; these triggers stop honest
-- mistakes below it.
-- +goose StatementBegin
CREATE TRIGGER risk_criteria_frozen_update BEFORE UPDATE ON risk_criteria
BEGIN
    SELECT RAISE(ABORT, 'risk criteria versions are frozen: save a new version');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER risk_criteria_frozen_delete BEFORE DELETE ON risk_criteria
BEGIN
    SELECT RAISE(ABORT, 'risk criteria versions are frozen: save a new version');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER impact_assessments_frozen_update BEFORE UPDATE ON impact_assessments
WHEN OLD.status = 'signed_off'
BEGIN
    SELECT RAISE(ABORT, 'signed-off impact assessments are frozen');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER impact_assessments_frozen_delete BEFORE DELETE ON impact_assessments
WHEN OLD.status = 'signed_off'
BEGIN
    SELECT RAISE(ABORT, 'signed-off impact assessments are frozen');
END;
-- +goose StatementEnd

-- +goose Down
-- Forward-only: restore from a backup instead.
