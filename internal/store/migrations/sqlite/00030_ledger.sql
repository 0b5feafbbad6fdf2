-- The tamper-evident log: one RFC 6962 Merkle tree per organization
-- (ISO/IEC 42001 7.5.3, A.6.2.8). See docs/ledger.md.
-- Keep in step with ../postgres/00030_ledger.sql.

-- +goose Up
-- The head of each organization's log: its size, root and right edge (the
-- compact range an appender continues from, so a restart reads one row
-- instead of rebuilding the tree). Appenders hold SQLite's single writer,
-- which serializes sequencing. origin and verifier_key are pinned by the
-- first checkpoint signed.
CREATE TABLE log_heads (
    log_id       INTEGER PRIMARY KEY,
    org_id       TEXT NOT NULL UNIQUE REFERENCES organizations (id),
    size         INTEGER NOT NULL DEFAULT 0,
    root         BLOB NOT NULL,
    edge         BLOB NOT NULL,
    origin       TEXT NOT NULL DEFAULT '',
    verifier_key TEXT NOT NULL DEFAULT '',
    updated_at   TIMESTAMP NOT NULL
);

-- Leaves: the entry, its leaf hash (the level-0 tile hashes), and the id of
-- the record it seals, if any (an audit event's id). A rowid table, not
-- WITHOUT ROWID: appends then fill pages in order (SQLite's quick balance),
-- half again faster for rows of this size.
CREATE TABLE log_leaves (
    log_id INTEGER NOT NULL,
    idx    INTEGER NOT NULL,
    hash   BLOB NOT NULL,
    entry  BLOB NOT NULL,
    ref    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (log_id, idx)
);
CREATE UNIQUE INDEX log_leaves_ref ON log_leaves (log_id, ref) WHERE ref <> '';

-- Tile-level hashes above the leaves: at level l >= 1, the root of each
-- complete subtree of 256^l leaves (the hashes of the level-l tiles).
CREATE TABLE log_nodes (
    log_id INTEGER NOT NULL,
    level  INTEGER NOT NULL,
    idx    INTEGER NOT NULL,
    hash   BLOB NOT NULL,
    PRIMARY KEY (log_id, level, idx)
) WITHOUT ROWID;

-- Full tiles (c2sp.org/tlog-tiles), each written once when it fills: 256
-- hashes of level l, concatenated, and the 255 hashes inside the tile
-- (heights 1 to 8, left to right). A tile or a proof then reads one row and
-- hashes nothing; the partial tile at the right edge is read from
-- log_leaves or log_nodes.
CREATE TABLE log_tiles (
    log_id       INTEGER NOT NULL,
    level        INTEGER NOT NULL,
    idx          INTEGER NOT NULL,
    hashes       BLOB NOT NULL,
    inner_hashes BLOB NOT NULL,
    PRIMARY KEY (log_id, level, idx)
);

-- Every checkpoint signed, as the signed note.
CREATE TABLE log_checkpoints (
    log_id    INTEGER NOT NULL,
    size      INTEGER NOT NULL,
    root      BLOB NOT NULL,
    note      TEXT NOT NULL,
    signed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (log_id, size)
);

-- Mismatches found between stored records and the log (tampering).
CREATE TABLE log_alerts (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organizations (id),
    fingerprint     TEXT NOT NULL,
    leaf_index      INTEGER,
    record_id       TEXT NOT NULL DEFAULT '',
    detail          TEXT NOT NULL,
    detected_at     TIMESTAMP NOT NULL,
    acknowledged_at TIMESTAMP,
    acknowledged_by TEXT NOT NULL DEFAULT '',
    UNIQUE (org_id, fingerprint)
);
CREATE INDEX log_alerts_open ON log_alerts (org_id, acknowledged_at);

-- The log is append-only; these triggers stop honest mistakes (the Merkle
-- tree and the signed checkpoints catch the rest).
-- +goose StatementBegin
CREATE TRIGGER log_leaves_no_update BEFORE UPDATE ON log_leaves
BEGIN
    SELECT RAISE(ABORT, 'the log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER log_leaves_no_delete BEFORE DELETE ON log_leaves
BEGIN
    SELECT RAISE(ABORT, 'the log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER log_nodes_no_update BEFORE UPDATE ON log_nodes
BEGIN
    SELECT RAISE(ABORT, 'the log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER log_nodes_no_delete BEFORE DELETE ON log_nodes
BEGIN
    SELECT RAISE(ABORT, 'the log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER log_tiles_no_update BEFORE UPDATE ON log_tiles
BEGIN
    SELECT RAISE(ABORT, 'the log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER log_tiles_no_delete BEFORE DELETE ON log_tiles
BEGIN
    SELECT RAISE(ABORT, 'the log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER log_checkpoints_no_update BEFORE UPDATE ON log_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'signed checkpoints are append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER log_checkpoints_no_delete BEFORE DELETE ON log_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'signed checkpoints are append-only');
END;
-- +goose StatementEnd

-- +goose Down
-- Forward-only: restore from a backup instead.
