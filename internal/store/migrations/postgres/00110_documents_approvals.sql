-- Approval requests and their decisions (one engine: internal/approval),
-- controlled documents with versions and acknowledgements (issue 15 items
-- 1 and 2; ISO/IEC 42001 4.3, 5.2, 7.3, 7.5.2, 7.5.3). Keep in step with
-- ../sqlite/00110_documents_approvals.sql.

-- +goose Up
CREATE TABLE approval_requests (
    id                   TEXT PRIMARY KEY,
    org_id               TEXT NOT NULL REFERENCES organizations (id),
    subject_kind         TEXT NOT NULL CHECK (subject_kind <> ''),
    subject_id           TEXT NOT NULL CHECK (subject_id <> ''),
    subject_digest       TEXT NOT NULL CHECK (length(subject_digest) = 64),
    subject_label        TEXT NOT NULL,
    approvers            TEXT NOT NULL DEFAULT '[]', -- JSON list of user ids
    approver_roles       TEXT NOT NULL DEFAULT '[]', -- JSON list of roles
    quorum               INTEGER NOT NULL CHECK (quorum >= 1),
    due_on               TIMESTAMPTZ,
    requested_by         TEXT REFERENCES users (id),
    requested_by_label   TEXT NOT NULL,
    separation_of_duties BOOLEAN NOT NULL,
    status               TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'void')),
    reason               TEXT NOT NULL DEFAULT '',
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id)
);
CREATE INDEX approval_requests_status ON approval_requests (org_id, status, created_at);
CREATE INDEX approval_requests_subject ON approval_requests (org_id, subject_kind, subject_id);

CREATE TABLE approval_decisions (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL,
    request_id       TEXT NOT NULL,
    verdict          TEXT NOT NULL CHECK (verdict IN ('approve', 'reject')),
    comment          TEXT NOT NULL DEFAULT '',
    subject_digest   TEXT NOT NULL,
    decided_by       TEXT REFERENCES users (id),
    decided_by_label TEXT NOT NULL,
    decided_at       TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (org_id, request_id) REFERENCES approval_requests (org_id, id)
);
CREATE INDEX approval_decisions_request ON approval_decisions (org_id, request_id, decided_at);

CREATE TABLE documents (
    id                     TEXT PRIMARY KEY,
    org_id                 TEXT NOT NULL REFERENCES organizations (id),
    title                  TEXT NOT NULL CHECK (title <> ''),
    title_key              TEXT NOT NULL,
    doc_type               TEXT NOT NULL CHECK (doc_type IN ('ai_policy', 'scope_statement', 'procedure', 'work_instruction', 'meeting_record', 'template', 'other')),
    classification         TEXT NOT NULL CHECK (classification IN ('public', 'internal', 'confidential')),
    owner_id               TEXT NOT NULL REFERENCES users (id),
    review_interval_months INTEGER NOT NULL CHECK (review_interval_months >= 0),
    next_review            TIMESTAMPTZ,
    requirements           TEXT NOT NULL DEFAULT '[]', -- JSON list of requirement ids (iso42001:5.2)
    system_ids             TEXT NOT NULL DEFAULT '[]', -- JSON list of AI system ids
    processes              TEXT NOT NULL DEFAULT '[]', -- JSON list of process names
    sites                  TEXT NOT NULL DEFAULT '[]', -- scope statement: sites
    business_units         TEXT NOT NULL DEFAULT '[]', -- scope statement: business units
    ai_roles               TEXT NOT NULL DEFAULT '[]', -- scope statement: the organization's AI roles
    interfaces             TEXT NOT NULL DEFAULT '[]', -- scope statement: JSON list of {system, note}
    created_at             TIMESTAMPTZ NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, title_key)
);
CREATE INDEX documents_owner ON documents (org_id, owner_id);

CREATE TABLE document_versions (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL,
    document_id    TEXT NOT NULL,
    major          INTEGER NOT NULL CHECK (major >= 0),
    minor          INTEGER NOT NULL CHECK (minor >= 0),
    change_summary TEXT NOT NULL DEFAULT '',
    body           TEXT NOT NULL DEFAULT '',
    file_sha256    TEXT, -- an attached file's digest (the blob store keeps the bytes)
    status         TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'approved', 'superseded', 'withdrawn')),
    effective_on   TIMESTAMPTZ,
    digest         TEXT NOT NULL,
    approval_id    TEXT,
    approved_at    TIMESTAMPTZ,
    created_by     TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, document_id, major, minor),
    FOREIGN KEY (org_id, document_id) REFERENCES documents (org_id, id),
    FOREIGN KEY (org_id, approval_id) REFERENCES approval_requests (org_id, id)
);
CREATE INDEX document_versions_status ON document_versions (org_id, status);

CREATE TABLE document_acknowledgements (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL,
    version_id      TEXT NOT NULL,
    user_id         TEXT NOT NULL REFERENCES users (id),
    user_label      TEXT NOT NULL,
    acknowledged_at TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, version_id, user_id),
    FOREIGN KEY (org_id, version_id) REFERENCES document_versions (org_id, id)
);
