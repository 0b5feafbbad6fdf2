-- Decision events: what an AI system did, when, on which inputs (ISO/IEC
-- 42001 A.6.2.8; EU AI Act Art. 12 and 26(6)). Each is sealed as a leaf of
-- the organization's log (entry type aims.decision v1, docs/decisions.md).
-- Keep in step with ../postgres/00040_decisions.sql.

-- +goose Up
-- One row per event. The raw payload and its salt are stored apart from the
-- leaf, which holds only the salted digest: erasing the payload (and the
-- salt) on request leaves the log verifiable. (source, seq) is unique per
-- system, so that a gateway that sends an event again gets the first answer.
CREATE TABLE decisions (
    id                    TEXT PRIMARY KEY,
    org_id                TEXT NOT NULL,
    system_id             TEXT NOT NULL,
    model_version         TEXT NOT NULL,
    model_version_id      TEXT,
    unknown_model_version BOOLEAN NOT NULL,
    source                TEXT NOT NULL,
    seq                   INTEGER NOT NULL,
    decided_at            TIMESTAMP NOT NULL,
    received_at           TIMESTAMP NOT NULL,
    skew_ms               INTEGER NOT NULL,
    clock_skew            BOOLEAN NOT NULL,
    human                 TEXT NOT NULL CHECK (human IN ('none', 'approved', 'overridden')),
    leaf_index            INTEGER NOT NULL,
    payload_digest        TEXT NOT NULL,
    salt                  BLOB,
    payload               BLOB,
    erased_at             TIMESTAMP,
    erased_by             TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (org_id, system_id) REFERENCES ai_systems (org_id, id),
    FOREIGN KEY (org_id, model_version_id) REFERENCES model_versions (org_id, id)
);
CREATE UNIQUE INDEX decisions_source_seq ON decisions (org_id, system_id, source, seq);
CREATE INDEX decisions_time ON decisions (org_id, system_id, decided_at);

-- Each event's inputs by tag name, so that decisions join data lineage
-- (tags are named signals, unique per organization, matched by name) by tag
-- and time. Erasing a payload clears the values and keeps the tag names.
CREATE TABLE decision_inputs (
    org_id      TEXT NOT NULL,
    tag         TEXT NOT NULL,
    decided_at  TIMESTAMP NOT NULL,
    decision_id TEXT NOT NULL,
    system_id   TEXT NOT NULL,
    value       TEXT,
    PRIMARY KEY (org_id, tag, decided_at, decision_id)
) WITHOUT ROWID;
CREATE INDEX decision_inputs_decision ON decision_inputs (decision_id);

-- +goose Down
-- Forward-only: restore from a backup instead.
