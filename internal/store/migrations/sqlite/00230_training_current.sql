-- The training records that can still decide a competence gap or a
-- person's AI literacy (issue 16: the gap list of a role held by thousands
-- under 50 ms): per person and competence, every record that no other
-- record dominates. A record is dominated when another of the same person
-- and competence, completed already, was completed no earlier and expires
-- no earlier (no expiry is latest); the rules (rules/competence_gap.go)
-- judge by the latest day a record counts, so a dominated record never
-- changes their answer, today or later. Kept by store/training_current.go
-- in the same transaction as every write of training records (one,
-- edited, deleted, imported); read by the gap list and the literacy rule.
-- Keep in step with the other dialect's 00230_training_current.sql.

-- +goose Up
CREATE TABLE training_current (
    org_id         TEXT NOT NULL,
    person_id      TEXT NOT NULL,
    competence_key TEXT NOT NULL,
    record_id      TEXT NOT NULL REFERENCES training_records (id) ON DELETE CASCADE,
    competence     TEXT NOT NULL,
    completed_on   TIMESTAMP NOT NULL,
    expires_on     TIMESTAMP,
    PRIMARY KEY (org_id, person_id, competence_key, record_id)
) WITHOUT ROWID;
CREATE INDEX training_current_record ON training_current (record_id);
INSERT INTO training_current (org_id, person_id, competence_key, record_id, competence, completed_on, expires_on)
SELECT t.org_id, t.person_id, t.competence_key, t.id, t.competence, t.completed_on, t.expires_on
FROM training_records t
WHERE NOT EXISTS (
    SELECT 1 FROM training_records s
    WHERE s.org_id = t.org_id AND s.person_id = t.person_id AND s.competence_key = t.competence_key
        AND s.completed_on <= CURRENT_TIMESTAMP AND s.completed_on >= t.completed_on
        AND (s.expires_on IS NULL OR (t.expires_on IS NOT NULL AND s.expires_on >= t.expires_on))
        AND (s.completed_on > t.completed_on OR (t.expires_on IS NOT NULL AND (s.expires_on IS NULL OR s.expires_on > t.expires_on)) OR s.id < t.id));

-- +goose Down
DROP TABLE training_current;
