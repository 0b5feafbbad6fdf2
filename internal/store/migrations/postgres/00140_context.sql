-- +goose Up
-- Context of the organization and support (issue 16 items 1, 3, 4, 6):
-- context issues with the organization's categories and the risks that
-- address them (ISO/IEC 42001 4.1), interested parties with their
-- requirements (4.2), planned changes (6.3), resources (7.1, A.4) and the
-- communication plan with the communications made (7.4, A.8).
-- Keep in step with ../sqlite/00140_context.sql.

-- The organization's categories of context issues; no row means the
-- default list.
CREATE TABLE context_categories (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL UNIQUE REFERENCES organizations (id),
    categories TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE context_issues (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations (id),
    title            TEXT NOT NULL,
    name_key         TEXT NOT NULL,
    category         TEXT NOT NULL,
    origin           TEXT NOT NULL CHECK (origin IN ('internal', 'external')),
    description      TEXT NOT NULL DEFAULT '',
    effect           TEXT NOT NULL DEFAULT '',
    relevance        TEXT NOT NULL CHECK (relevance IN ('relevant', 'not_relevant', 'to_determine')),
    relevance_reason TEXT NOT NULL DEFAULT '',
    climate_change   BOOLEAN NOT NULL DEFAULT FALSE,
    objective_ids    TEXT NOT NULL,
    review_date      TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX context_issues_title ON context_issues (org_id, name_key);
-- One issue answers the climate-change question.
CREATE UNIQUE INDEX context_issues_climate ON context_issues (org_id) WHERE climate_change;

-- The risks that address an issue; a deleted risk leaves the list.
CREATE TABLE context_issue_risks (
    org_id   TEXT NOT NULL,
    issue_id TEXT NOT NULL,
    risk_id  TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (issue_id, risk_id),
    FOREIGN KEY (org_id, issue_id) REFERENCES context_issues (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, risk_id) REFERENCES risks (org_id, id) ON DELETE CASCADE
);
CREATE INDEX context_issue_risks_risk ON context_issue_risks (org_id, risk_id);

CREATE TABLE interested_parties (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations (id),
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('regulator', 'customer', 'worker', 'works_council', 'affected_persons', 'supplier', 'owner', 'public', 'other')),
    origin       TEXT NOT NULL CHECK (origin IN ('internal', 'external')),
    description  TEXT NOT NULL DEFAULT '',
    requirements TEXT NOT NULL,
    review_date  TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX interested_parties_name ON interested_parties (org_id, name_key);

CREATE TABLE planned_changes (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organizations (id),
    title           TEXT NOT NULL,
    name_key        TEXT NOT NULL,
    purpose         TEXT NOT NULL,
    consequences    TEXT NOT NULL DEFAULT '',
    resources       TEXT NOT NULL DEFAULT '',
    responsible_id  TEXT,
    target_date     TIMESTAMPTZ,
    status          TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'completed', 'cancelled')),
    completed_on    TIMESTAMPTZ,
    completion_note TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, responsible_id) REFERENCES memberships (org_id, user_id)
);
CREATE UNIQUE INDEX planned_changes_title ON planned_changes (org_id, name_key);
CREATE INDEX planned_changes_status ON planned_changes (org_id, status);

CREATE TABLE resources (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('human', 'compute', 'tooling', 'data', 'budget', 'other')),
    description TEXT NOT NULL DEFAULT '',
    process     TEXT NOT NULL DEFAULT '',
    system_id   TEXT,
    quantity    TEXT NOT NULL DEFAULT '',
    owner_id    TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, system_id) REFERENCES ai_systems (org_id, id),
    FOREIGN KEY (org_id, owner_id) REFERENCES memberships (org_id, user_id)
);
CREATE UNIQUE INDEX resources_name ON resources (org_id, name_key);
CREATE INDEX resources_system ON resources (org_id, system_id);

CREATE TABLE communications (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations (id),
    subject        TEXT NOT NULL,
    name_key       TEXT NOT NULL,
    audience_kind  TEXT NOT NULL CHECK (audience_kind IN ('internal', 'external', 'affected_persons')),
    audience       TEXT NOT NULL,
    channel        TEXT NOT NULL DEFAULT '',
    cadence        TEXT NOT NULL CHECK (cadence IN ('once', 'monthly', 'quarterly', 'half_yearly', 'yearly', 'as_needed')),
    first_due      TIMESTAMPTZ,
    responsible_id TEXT,
    records        TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, responsible_id) REFERENCES memberships (org_id, user_id)
);
CREATE UNIQUE INDEX communications_subject ON communications (org_id, name_key);

-- +goose Down
-- Forward-only: restore from a backup instead.
