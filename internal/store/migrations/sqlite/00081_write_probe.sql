-- +goose Up
-- One row that readiness (/readyz) upserts every few seconds at most, so
-- that a database which answers reads but refuses writes (a full disk, a
-- read-only file or transaction) is reported not ready (store/health.go).
CREATE TABLE write_probe (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    probed_at TIMESTAMP NOT NULL
);
