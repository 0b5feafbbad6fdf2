-- +goose Up
-- The status of each EU AI Act obligation of an AI system (issue 14 item
-- 1): open, in progress, met or not applicable, with who set it and when.
-- One row per system and article; each change is sealed in the log.
CREATE TABLE obligation_statuses (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL,
    system_id   TEXT NOT NULL,
    article     TEXT NOT NULL CHECK (article <> ''),
    status      TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'met', 'not_applicable')),
    note        TEXT NOT NULL DEFAULT '',
    set_by      TEXT REFERENCES users (id),
    set_by_name TEXT NOT NULL,
    set_at      TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (org_id, system_id) REFERENCES ai_systems (org_id, id)
);
CREATE UNIQUE INDEX obligation_statuses_article ON obligation_statuses (org_id, system_id, article);
