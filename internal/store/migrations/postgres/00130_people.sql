-- +goose Up
-- People of the organization (ISO/IEC 42001 7.2): members with an account
-- and people without one (an operator on the night shift). An email, when
-- given, is unique in the organization, any case; an account is linked to
-- at most one person of the organization. Members that exist when this
-- migration runs get their person from aims after migrating (through the
-- audited write path, so that each is sealed in the organization's log).
CREATE TABLE people (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations (id),
    name           TEXT NOT NULL CHECK (name <> ''),
    name_key       TEXT NOT NULL,
    email          TEXT NOT NULL DEFAULT '',
    email_key      TEXT,
    job_title      TEXT NOT NULL DEFAULT '',
    department     TEXT NOT NULL DEFAULT '',
    department_key TEXT NOT NULL DEFAULT '',
    site           TEXT NOT NULL DEFAULT '',
    site_key       TEXT NOT NULL DEFAULT '',
    user_id        TEXT REFERENCES users (id),
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX people_email ON people (org_id, email_key);
CREATE UNIQUE INDEX people_user ON people (org_id, user_id);
CREATE INDEX people_name ON people (org_id, name_key, id);
CREATE INDEX people_department ON people (org_id, department_key, name_key);
CREATE INDEX people_site ON people (org_id, site_key, name_key);
