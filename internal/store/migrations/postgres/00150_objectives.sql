-- +goose Up
-- AI objectives (ISO/IEC 42001 6.2) with their measures, computed from the
-- records by a closed set of indicators or entered by hand with evidence,
-- and every measurement with its time, value and the counts it came from
-- (issue 16 item 2).
CREATE TABLE objectives (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations (id),
    title        TEXT NOT NULL,
    title_key    TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    owner_id     TEXT NOT NULL,
    comparison   TEXT NOT NULL CHECK (comparison IN ('at_least', 'at_most')),
    target_value DOUBLE PRECISION NOT NULL,
    unit         TEXT NOT NULL,
    due_date     TIMESTAMPTZ NOT NULL,
    cadence      TEXT NOT NULL CHECK (cadence IN ('weekly', 'monthly', 'quarterly')),
    resources    TEXT NOT NULL DEFAULT '',
    evaluation   TEXT NOT NULL DEFAULT '',
    measure      TEXT NOT NULL CHECK (measure IN ('computed', 'manual')),
    indicator    TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, owner_id) REFERENCES memberships (org_id, user_id),
    CHECK ((measure = 'computed') = (indicator <> ''))
);
CREATE UNIQUE INDEX objectives_title ON objectives (org_id, title_key);

CREATE TABLE objective_measurements (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL,
    objective_id TEXT NOT NULL,
    measured_at  TIMESTAMPTZ NOT NULL,
    value        DOUBLE PRECISION NOT NULL,
    source       TEXT NOT NULL CHECK (source IN ('computed', 'manual')),
    inputs       TEXT NOT NULL DEFAULT '[]',
    evidence     TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    recorded_by  TEXT NOT NULL,
    met          BOOLEAN NOT NULL,
    FOREIGN KEY (org_id, objective_id) REFERENCES objectives (org_id, id),
    CHECK (source = 'computed' OR evidence <> '')
);
CREATE INDEX objective_measurements_objective ON objective_measurements (org_id, objective_id, measured_at);
