-- Witnesses of each organization's log, their cosignatures, and whether
-- the checkpoints are public. Keep in step with
-- ../sqlite/00070_log_witnesses.sql, which says why.

-- +goose Up
CREATE TABLE log_witnesses (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations (id),
    name         TEXT NOT NULL,
    url          TEXT NOT NULL,
    verifier_key TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE log_witness_status (
    witness_id TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL,
    error      TEXT NOT NULL DEFAULT '',
    refused    BOOLEAN NOT NULL DEFAULT FALSE,
    cosigned   BIGINT NOT NULL DEFAULT 0, -- the size the witness holds, when it refused
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE log_cosignatures (
    log_id       BIGINT NOT NULL,
    size         BIGINT NOT NULL,
    verifier_key TEXT NOT NULL,
    line         TEXT NOT NULL,
    cosigned_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (log_id, size, verifier_key)
);
CREATE INDEX log_cosignatures_key ON log_cosignatures (log_id, verifier_key, size);

CREATE TABLE log_settings (
    org_id             TEXT PRIMARY KEY REFERENCES organizations (id),
    public_checkpoints BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at         TIMESTAMPTZ NOT NULL
);

CREATE TRIGGER log_cosignatures_append_only BEFORE UPDATE OR DELETE ON log_cosignatures
    FOR EACH ROW EXECUTE FUNCTION log_append_only();

-- +goose Down
-- Forward-only: restore from a backup instead.
