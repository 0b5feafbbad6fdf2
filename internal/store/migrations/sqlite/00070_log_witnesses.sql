-- Witnesses of each organization's log (c2sp.org/tlog-witness), the
-- cosignatures they return, and whether the checkpoints are public. See
-- docs/ledger.md, Witnesses. Keep in step with ../postgres/00070_log_witnesses.sql.

-- +goose Up
-- The witnesses an organization submits its checkpoints to: a governance
-- setting (admins, manage_settings), audited like any record.
CREATE TABLE log_witnesses (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations (id),
    name         TEXT NOT NULL, -- the witness key's name
    url          TEXT NOT NULL, -- its tlog-witness prefix: URL/add-checkpoint
    verifier_key TEXT NOT NULL, -- cosignature/v1 verifier key, name+hash+base64
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (org_id, name)
);

-- What each witness last answered (operational state the submitter keeps,
-- not a governance record): its last error, and whether it refused a
-- checkpoint as inconsistent with one it cosigned (a finding of
-- 'aims log check').
CREATE TABLE log_witness_status (
    witness_id TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL,
    error      TEXT NOT NULL DEFAULT '',
    refused    BOOLEAN NOT NULL DEFAULT FALSE,
    cosigned   INTEGER NOT NULL DEFAULT 0, -- the size the witness holds, when it refused
    updated_at TIMESTAMP NOT NULL
);

-- Cosignature lines ("— name base64", c2sp.org/tlog-cosignature), one per
-- checkpoint and witness key; served appended to the checkpoint.
CREATE TABLE log_cosignatures (
    log_id       INTEGER NOT NULL,
    size         INTEGER NOT NULL,
    verifier_key TEXT NOT NULL,
    line         TEXT NOT NULL,
    cosigned_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (log_id, size, verifier_key)
) WITHOUT ROWID;
CREATE INDEX log_cosignatures_key ON log_cosignatures (log_id, verifier_key, size);

-- Per-organization log settings: public_checkpoints serves the checkpoint
-- and the hash tiles without a token (entry bundles stay private).
CREATE TABLE log_settings (
    org_id             TEXT PRIMARY KEY REFERENCES organizations (id),
    public_checkpoints BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at         TIMESTAMP NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER log_cosignatures_no_update BEFORE UPDATE ON log_cosignatures
BEGIN
    SELECT RAISE(ABORT, 'cosignatures are append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER log_cosignatures_no_delete BEFORE DELETE ON log_cosignatures
BEGIN
    SELECT RAISE(ABORT, 'cosignatures are append-only');
END;
-- +goose StatementEnd

-- +goose Down
-- Forward-only: restore from a backup instead.
