-- Evidence (ISO/IEC 42001 7.5, every Annex A control): a piece of evidence
-- with immutable revisions (a file stored by its SHA-256 digest in the blob
-- store, or an http(s) link), links to any record by type and id, and what
-- the organization expects to show each control. See docs/evidence.md.
-- Keep in step with the other dialect's 00120_evidence.sql.

-- +goose Up
CREATE TABLE evidence (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    title       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- The kind and the sorted links, as one string: a push with the same
    -- kind and links adds a revision to the same evidence.
    link_key    TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id)
);
CREATE INDEX evidence_link_key ON evidence (org_id, link_key);
CREATE INDEX evidence_kind ON evidence (org_id, kind);

-- What a piece of evidence shows: a record of any kind (no foreign key, so
-- that kinds added later fit). A control is linked as requirement
-- "framework:id".
CREATE TABLE evidence_links (
    org_id      TEXT NOT NULL,
    evidence_id TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id   TEXT NOT NULL,
    PRIMARY KEY (evidence_id, target_type, target_id),
    FOREIGN KEY (org_id, evidence_id) REFERENCES evidence (org_id, id)
);
CREATE INDEX evidence_links_target ON evidence_links (org_id, target_type, target_id);

-- Revisions are never changed or deleted.
CREATE TABLE evidence_revisions (
    id                 TEXT PRIMARY KEY,
    org_id             TEXT NOT NULL,
    evidence_id        TEXT NOT NULL,
    number             INTEGER NOT NULL,
    source             TEXT NOT NULL CHECK (source IN ('file', 'link')),
    url                TEXT NOT NULL DEFAULT '',
    digest             TEXT NOT NULL DEFAULT '',
    size               BIGINT NOT NULL DEFAULT 0,
    media_type         TEXT NOT NULL DEFAULT '',
    file_name          TEXT NOT NULL DEFAULT '',
    collected_by       TEXT NOT NULL DEFAULT '',
    collected_token    TEXT NOT NULL DEFAULT '',
    collected_by_label TEXT NOT NULL,
    collected_at       TIMESTAMPTZ NOT NULL,
    effective_from     TIMESTAMPTZ,
    effective_to       TIMESTAMPTZ,
    expires_at         TIMESTAMPTZ,
    note               TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMPTZ NOT NULL,
    UNIQUE (evidence_id, number),
    CHECK ((source = 'file' AND digest <> '') OR (source = 'link' AND url <> '')),
    FOREIGN KEY (org_id, evidence_id) REFERENCES evidence (org_id, id)
);
CREATE INDEX evidence_revisions_digest ON evidence_revisions (org_id, digest);
CREATE INDEX evidence_revisions_latest ON evidence_revisions (evidence_id, number DESC);

-- What the organization expects to show an applicable control (per system
-- for system-level controls): a kind of upload, or a set of aims' own
-- records (live evidence), and how fresh it must be (0: no limit).
CREATE TABLE evidence_requirements (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations (id),
    requirement  TEXT NOT NULL,
    system_id    TEXT NOT NULL DEFAULT '',
    kind         TEXT NOT NULL DEFAULT '',
    live         TEXT NOT NULL DEFAULT '',
    max_age_days INTEGER NOT NULL DEFAULT 0,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    CHECK ((kind = '') <> (live = '')),
    UNIQUE (org_id, requirement, system_id, kind, live)
);

-- How many days before its due date evidence counts as expiring.
CREATE TABLE evidence_settings (
    org_id        TEXT PRIMARY KEY REFERENCES organizations (id),
    expiring_days INTEGER NOT NULL DEFAULT 30
);

-- +goose Down
-- Forward-only: restore from a backup instead.
