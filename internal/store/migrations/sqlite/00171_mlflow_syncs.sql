-- +goose Up
-- Each run of the MLflow registry sync (issue 17 item 6), so that the
-- last one can be shown with what it did and what failed.
CREATE TABLE mlflow_syncs (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    url         TEXT NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    created     INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    collisions  INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,
    problems    TEXT NOT NULL DEFAULT '[]',
    error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mlflow_syncs_org ON mlflow_syncs (org_id, started_at);
