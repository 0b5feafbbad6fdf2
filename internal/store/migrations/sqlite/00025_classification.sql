-- EU AI Act classifications of AI systems (Regulation (EU) 2024/1689
-- Art. 5, 6, 50, Annex III), versioned: a new answer is a new version, and
-- no version is ever changed. Keep in step with
-- ../postgres/00025_classification.sql.

-- +goose Up
CREATE TABLE classifications (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL,
    system_id        TEXT NOT NULL,
    version          INTEGER NOT NULL CHECK (version > 0),
    tier             TEXT NOT NULL CHECK (tier IN ('prohibited', 'high-risk', 'transparency', 'minimal', 'not-ai-system')),
    -- The answers as given, and what the rules concluded from them then
    -- (basis, roles, obligations with their dates, rationale), as JSON.
    answers          TEXT NOT NULL,
    result           TEXT NOT NULL,
    classified_at    TIMESTAMP NOT NULL,
    classified_by_id TEXT NOT NULL DEFAULT '',
    classified_by    TEXT NOT NULL,
    UNIQUE (org_id, system_id, version),
    FOREIGN KEY (org_id, system_id) REFERENCES ai_systems (org_id, id)
);

-- A classification is a record of a decision (ISO/IEC 42001 7.5.3): these
-- triggers stop honest mistakes below the store, which only inserts.
-- +goose StatementBegin
CREATE TRIGGER classifications_no_update BEFORE UPDATE ON classifications
BEGIN
    SELECT RAISE(ABORT, 'classification versions are never changed: add a new version');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER classifications_no_delete BEFORE DELETE ON classifications
BEGIN
    SELECT RAISE(ABORT, 'classification versions are never changed: add a new version');
END;
-- +goose StatementEnd

-- +goose Down
-- Forward-only: restore from a backup instead.
