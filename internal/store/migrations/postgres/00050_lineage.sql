-- Data lineage (ISO/IEC 42001 A.7.4 data quality, A.7.5 data provenance):
-- instruments with their calibration records, tags (named signals an
-- instrument produces), features derived from tags, the features a model
-- version consumes and the tags a dataset was drawn from (docs/lineage.md).
-- Decisions join lineage by tag name through decision_tag_set_tags.
-- Keep in step with ../sqlite/00050_lineage.sql.

-- +goose Up
CREATE TABLE instruments (
    id                        TEXT PRIMARY KEY,
    org_id                    TEXT NOT NULL REFERENCES organizations (id),
    name                      TEXT NOT NULL,
    name_key                  TEXT NOT NULL,
    kind                      TEXT NOT NULL CHECK (kind IN ('sensor', 'analyser', 'meter', 'laboratory', 'manual_entry', 'software')),
    description               TEXT NOT NULL DEFAULT '',
    location                  TEXT NOT NULL DEFAULT '',
    manufacturer              TEXT NOT NULL DEFAULT '',
    serial_number             TEXT NOT NULL DEFAULT '',
    calibration_required      BOOLEAN NOT NULL,
    calibration_interval_days INTEGER NOT NULL DEFAULT 0,
    created_at                TIMESTAMPTZ NOT NULL,
    updated_at                TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX instruments_name ON instruments (org_id, name_key);

-- Calibrations are created and deleted, never changed. [valid_from,
-- valid_to) is when a passed or adjusted one vouches for the readings.
CREATE TABLE calibrations (
    id                 TEXT PRIMARY KEY,
    org_id             TEXT NOT NULL,
    instrument_id      TEXT NOT NULL,
    valid_from         TIMESTAMPTZ NOT NULL,
    valid_to           TIMESTAMPTZ NOT NULL,
    result             TEXT NOT NULL CHECK (result IN ('passed', 'adjusted', 'failed')),
    certificate_ref    TEXT NOT NULL DEFAULT '',
    certificate_digest TEXT NOT NULL DEFAULT '',
    performed_by       TEXT NOT NULL DEFAULT '',
    notes              TEXT NOT NULL DEFAULT '',
    recorded_by        TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMPTZ NOT NULL,
    CHECK (valid_to > valid_from),
    FOREIGN KEY (org_id, instrument_id) REFERENCES instruments (org_id, id)
);
CREATE INDEX calibrations_instrument ON calibrations (org_id, instrument_id, valid_from);

-- A tag's name is the input name gateways send in decision events: unique
-- per organization in any case (name_key), joined with decisions exactly
-- (tags_exact).
CREATE TABLE tags (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organizations (id),
    name            TEXT NOT NULL,
    name_key        TEXT NOT NULL,
    unit            TEXT NOT NULL DEFAULT '',
    instrument_id   TEXT,
    description     TEXT NOT NULL DEFAULT '',
    quality_caveats TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, instrument_id) REFERENCES instruments (org_id, id)
);
CREATE UNIQUE INDEX tags_name ON tags (org_id, name_key);
CREATE INDEX tags_exact ON tags (org_id, name);
CREATE INDEX tags_instrument ON tags (org_id, instrument_id);

CREATE TABLE features (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations (id),
    name           TEXT NOT NULL,
    name_key       TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    transformation TEXT NOT NULL DEFAULT '',
    unit           TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX features_name ON features (org_id, name_key);

-- The links keep the order in which they were given (position).
CREATE TABLE feature_tags (
    org_id     TEXT NOT NULL,
    feature_id TEXT NOT NULL,
    tag_id     TEXT NOT NULL,
    position   INTEGER NOT NULL,
    PRIMARY KEY (feature_id, tag_id),
    FOREIGN KEY (org_id, feature_id) REFERENCES features (org_id, id),
    FOREIGN KEY (org_id, tag_id) REFERENCES tags (org_id, id)
);
CREATE INDEX feature_tags_tag ON feature_tags (org_id, tag_id);

CREATE TABLE model_version_features (
    org_id           TEXT NOT NULL,
    model_version_id TEXT NOT NULL,
    feature_id       TEXT NOT NULL,
    position         INTEGER NOT NULL,
    PRIMARY KEY (model_version_id, feature_id),
    FOREIGN KEY (org_id, model_version_id) REFERENCES model_versions (org_id, id),
    FOREIGN KEY (org_id, feature_id) REFERENCES features (org_id, id)
);
CREATE INDEX model_version_features_feature ON model_version_features (org_id, feature_id);

CREATE TABLE dataset_tags (
    org_id     TEXT NOT NULL,
    dataset_id TEXT NOT NULL,
    tag_id     TEXT NOT NULL,
    position   INTEGER NOT NULL,
    PRIMARY KEY (dataset_id, tag_id),
    FOREIGN KEY (org_id, dataset_id) REFERENCES datasets (org_id, id),
    FOREIGN KEY (org_id, tag_id) REFERENCES tags (org_id, id)
);
CREATE INDEX dataset_tags_tag ON dataset_tags (org_id, tag_id);

-- +goose Down
-- Forward-only: restore from a backup instead.
