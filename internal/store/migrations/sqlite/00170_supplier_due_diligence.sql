-- +goose Up
-- Suppliers' due diligence (issue 17 item 5; ISO/IEC 42001 A.10.2, A.10.3):
-- how critical a supplier is, when it is reviewed, the contractual
-- commitments that matter for AI, and the answers to the organization's
-- own due-diligence questionnaire. Existing suppliers keep empty values
-- (not rated, no review interval) so that their sealed state still holds.
ALTER TABLE suppliers ADD COLUMN criticality TEXT NOT NULL DEFAULT ''
    CHECK (criticality IN ('', 'low', 'medium', 'high', 'critical'));
ALTER TABLE suppliers ADD COLUMN review_interval_days INTEGER NOT NULL DEFAULT 0
    CHECK (review_interval_days BETWEEN 0 AND 3650);
ALTER TABLE suppliers ADD COLUMN last_review_on TIMESTAMP;
ALTER TABLE suppliers ADD COLUMN commitments TEXT NOT NULL DEFAULT '[]';
ALTER TABLE suppliers ADD COLUMN answers TEXT NOT NULL DEFAULT '[]';
ALTER TABLE suppliers ADD COLUMN diligence_evidence TEXT NOT NULL DEFAULT '';

-- The questions of the organization's due-diligence questionnaire, each
-- with how it is answered and its weight in the score.
CREATE TABLE supplier_questions (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    question    TEXT NOT NULL CHECK (question <> ''),
    question_key TEXT NOT NULL,
    answer_type TEXT NOT NULL CHECK (answer_type IN ('yes_no', 'scale', 'text')),
    weight      INTEGER NOT NULL CHECK (weight BETWEEN 0 AND 100),
    guidance    TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX supplier_questions_question ON supplier_questions (org_id, question_key);
