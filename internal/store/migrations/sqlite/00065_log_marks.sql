-- A mark, kept apart from the log's own tables, that an organization's
-- tamper-evident log was opened (docs/ledger.md, "Rebuilding a log"). A
-- log whose tables were emptied is then told from a log never opened: the
-- first is refused (writes answer 503 until 'aims log rebuild'), only the
-- second is created, sealing the organization's earlier audit events.
-- Keep in step with ../postgres/00065_log_marks.sql.
--
-- log_id is the organization's current log; generation counts its logs
-- (2 after one rebuild, and so on: each has its own origin and key);
-- opened_at is NULL for an organization whose audit events predate the
-- log (a database from before it), whose log 'aims serve' still creates.

-- +goose Up
CREATE TABLE log_marks (
    org_id     TEXT PRIMARY KEY REFERENCES organizations (id),
    log_id     INTEGER NOT NULL DEFAULT 0,
    generation INTEGER NOT NULL DEFAULT 1,
    opened_at  TIMESTAMP
);

INSERT INTO log_marks (org_id, log_id, generation, opened_at)
    SELECT o.id, COALESCE(h.log_id, 0), 1, h.updated_at
    FROM organizations o LEFT JOIN log_heads h ON h.org_id = o.id;

-- +goose Down
-- Forward-only: restore from a backup instead.
