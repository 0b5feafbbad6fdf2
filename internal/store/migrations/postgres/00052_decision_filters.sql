-- The filters of a system's decisions in the index that lists them. Keep in
-- step with ../sqlite/00052_decision_filters.sql, which says why; here they
-- are INCLUDE columns, for index-only scans.

-- +goose Up
DROP INDEX decisions_time;
CREATE INDEX decisions_time ON decisions (org_id, system_id, decided_at) INCLUDE (human, model_version, model_version_id, source);

-- +goose Down
-- Forward-only: restore from a backup instead.
