-- Duplicate detection for decision events without a random write per event
-- (docs/decisions.md, Performance). Keep in step with
-- ../postgres/00051_decision_keys.sql.
--
-- A unique index on (system, source, seq) over decisions took an insert at
-- one place per gateway: a group commit of events from 64 gateways changed
-- 64 pages of it, each written to the WAL and checkpointed, and that cost
-- more than everything else the event needs. Instead each (system, source)
-- gets a small integer id, and the key (source id, seq) of every stored
-- event goes first into decision_recent_keys, a table kept small (a few
-- pages, whatever the number of gateways), and from there, some thousands
-- at a time and in key order, into decision_keys. flushed_max is the
-- largest seq of a source moved to decision_keys: an event with a larger
-- seq than that and than any recent key of its source is new without a
-- lookup, which is the case of nearly every event (sources count up).

-- +goose Up
CREATE TABLE decision_sources (
    id          INTEGER PRIMARY KEY,
    org_id      TEXT NOT NULL,
    system_id   TEXT NOT NULL,
    source      TEXT NOT NULL,
    flushed_max INTEGER NOT NULL DEFAULT -1,
    UNIQUE (org_id, system_id, source),
    FOREIGN KEY (org_id, system_id) REFERENCES ai_systems (org_id, id)
);

-- Every stored event's (source, seq) with the leaf that seals it.
CREATE TABLE decision_keys (
    source_id  INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    leaf_index INTEGER NOT NULL,
    PRIMARY KEY (source_id, seq)
) WITHOUT ROWID;

-- The keys of recent events, not yet in decision_keys.
CREATE TABLE decision_recent_keys (
    source_id  INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    leaf_index INTEGER NOT NULL,
    PRIMARY KEY (source_id, seq)
) WITHOUT ROWID;

INSERT INTO decision_sources (org_id, system_id, source)
    SELECT DISTINCT org_id, system_id, source FROM decisions ORDER BY org_id, system_id, source;
INSERT INTO decision_keys (source_id, seq, leaf_index)
    SELECT s.id, d.seq, d.leaf_index FROM decisions d
    JOIN decision_sources s ON s.org_id = d.org_id AND s.system_id = d.system_id AND s.source = d.source
    ORDER BY s.id, d.seq;
UPDATE decision_sources SET flushed_max = COALESCE((SELECT MAX(k.seq) FROM decision_keys k WHERE k.source_id = decision_sources.id), -1);
DROP INDEX decisions_source_seq;

-- +goose Down
-- Forward-only: restore from a backup instead.
