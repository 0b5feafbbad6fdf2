-- How many decisions each system made each day (UTC), by what a person did
-- and model version: the operator view's override chart and the totals of
-- a system's decision list, read in a row per day instead of an index
-- entry per decision (docs/decisions.md, Performance). Keep in step with
-- ../postgres/00053_decision_days.sql.
--
-- StoreDecisions adds to it in the transaction that stores the decisions,
-- one row per day, person and version in the group (a few), so it is
-- exact. A system of a million decisions a year listed its total in
-- 144 ms and drew two years of its chart in 831 ms from decisions_time.

-- +goose Up
CREATE TABLE decision_days (
    org_id           TEXT NOT NULL,
    system_id        TEXT NOT NULL,
    day              TEXT NOT NULL, -- YYYY-MM-DD of decided_at, in UTC
    human            TEXT NOT NULL,
    model_version    TEXT NOT NULL,
    model_version_id TEXT NOT NULL, -- '' when the version is unknown
    decisions        INTEGER NOT NULL,
    PRIMARY KEY (org_id, system_id, day, human, model_version, model_version_id)
) WITHOUT ROWID;

INSERT INTO decision_days (org_id, system_id, day, human, model_version, model_version_id, decisions)
    SELECT org_id, system_id, date(decided_at), human, model_version, COALESCE(model_version_id, ''), COUNT(*)
    FROM decisions GROUP BY 1, 2, 3, 4, 5, 6;

-- +goose Down
-- Forward-only: restore from a backup instead.
