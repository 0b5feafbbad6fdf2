-- The filters of a system's decisions in the index that lists them (docs/
-- decisions.md, Performance). Keep in step with
-- ../postgres/00052_decision_filters.sql.
--
-- A system gathers a million decisions a year at one every 30 seconds. The
-- list of its decisions filtered by override, model version or source, its
-- total, and the override chart read these columns of every match: from
-- the table, that was a row read per decision (90 ms for 50,000); from the
-- index, none (8 ms). The columns are short and the index is written in
-- time order, so ingestion pays nothing measurable for them.

-- +goose Up
DROP INDEX decisions_time;
CREATE INDEX decisions_time ON decisions (org_id, system_id, decided_at, human, model_version, model_version_id, source);

-- +goose Down
-- Forward-only: restore from a backup instead.
