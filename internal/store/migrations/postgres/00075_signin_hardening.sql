-- Sign-in hardening (OWASP ASVS 5.0 V6/V7): sessions that a password change
-- ends, failed-attempt counters that every replica shares, and a one-time
-- claim on the first-start setup. Keep in step with ../sqlite/00075_signin_hardening.sql.

-- +goose Up
-- A web session remembers the epoch of its account when it began; changing
-- the password moves the epoch on, which ends every other session.
ALTER TABLE users ADD COLUMN session_epoch BIGINT NOT NULL DEFAULT 0;

-- Sign-in attempts per key (an account from one address, an account from
-- everywhere, one address for every account). A row is claimed and updated
-- in one transaction before the password is checked, so parallel guesses
-- are counted one by one.
CREATE TABLE login_throttle (
    key             TEXT PRIMARY KEY,
    failures        INTEGER NOT NULL,
    not_before      TIMESTAMPTZ NOT NULL,
    last_success_at TIMESTAMPTZ,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_throttle_updated ON login_throttle (updated_at);

-- The first-start setup claims this one row in the transaction that creates
-- the first organization and admin: a second claim fails, however many
-- requests race.
CREATE TABLE instance_setup (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    org_id     TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
