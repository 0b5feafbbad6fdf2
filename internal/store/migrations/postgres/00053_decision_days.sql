-- How many decisions each system made each day (UTC), by what a person did
-- and model version. Keep in step with ../sqlite/00053_decision_days.sql,
-- which says why.

-- +goose Up
CREATE TABLE decision_days (
    org_id           TEXT NOT NULL,
    system_id        TEXT NOT NULL,
    day              TEXT NOT NULL, -- YYYY-MM-DD of decided_at, in UTC
    human            TEXT NOT NULL,
    model_version    TEXT NOT NULL,
    model_version_id TEXT NOT NULL, -- '' when the version is unknown
    decisions        BIGINT NOT NULL,
    PRIMARY KEY (org_id, system_id, day, human, model_version, model_version_id)
);

INSERT INTO decision_days (org_id, system_id, day, human, model_version, model_version_id, decisions)
    SELECT org_id, system_id, to_char(decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), human, model_version,
        COALESCE(model_version_id, ''), COUNT(*)
    FROM decisions GROUP BY 1, 2, 3, 4, 5, 6;

-- +goose Down
-- Forward-only: restore from a backup instead.
