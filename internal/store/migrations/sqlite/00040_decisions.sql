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
    tag_set_id            TEXT NOT NULL,
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

CREATE INDEX decisions_tags ON decisions (org_id, tag_set_id, decided_at);

-- The tag names of each event's inputs, so that decisions join data lineage
-- by tag and time (tags are named signals, unique per organization, matched
-- by name). A gateway sends the same tags event after event, so each
-- distinct set of tag names is stored once (decision_tag_sets, with one row
-- per tag in decision_tag_set_tags) and a decision names its set: one index
-- entry per decision instead of one row per input. The values stay in the
-- payload (and go with it when it is erased); the tag names stay.
--   decisions of tag T in [a, b):
--   SELECT d.* FROM decision_tag_set_tags t JOIN decisions d
--     ON d.org_id = t.org_id AND d.tag_set_id = t.tag_set_id
--   WHERE t.org_id = $1 AND t.tag = $2 AND d.decided_at >= $3 AND d.decided_at < $4
CREATE TABLE decision_tag_sets (
    id     TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organizations (id),
    tags   TEXT NOT NULL,
    UNIQUE (org_id, tags)
);
CREATE TABLE decision_tag_set_tags (
    org_id     TEXT NOT NULL,
    tag        TEXT NOT NULL,
    tag_set_id TEXT NOT NULL REFERENCES decision_tag_sets (id),
    PRIMARY KEY (org_id, tag, tag_set_id)
) WITHOUT ROWID;

-- +goose Down
-- Forward-only: restore from a backup instead.
