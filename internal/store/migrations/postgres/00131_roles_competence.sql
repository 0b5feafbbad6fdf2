-- +goose Up
-- AIMS roles and their assignments to people (ISO/IEC 42001 5.3, A.3.2),
-- the RACI of AIMS processes by role, competence requirements per role and
-- training records per person (7.2, A.4.6), awareness sessions (7.3) and
-- what the organization counts as sufficient AI literacy (EU AI Act Art. 4).
CREATE TABLE aims_roles (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations (id),
    name             TEXT NOT NULL CHECK (name <> ''),
    name_key         TEXT NOT NULL,
    responsibilities TEXT NOT NULL DEFAULT '',
    authorities      TEXT NOT NULL DEFAULT '',
    stop_authority   BOOLEAN NOT NULL DEFAULT FALSE,
    receives_report  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX aims_roles_name ON aims_roles (org_id, name_key);

CREATE TABLE role_assignments (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL,
    role_id    TEXT NOT NULL,
    person_id  TEXT NOT NULL,
    system_id  TEXT,
    note       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (org_id, role_id) REFERENCES aims_roles (org_id, id),
    FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id),
    FOREIGN KEY (org_id, system_id) REFERENCES ai_systems (org_id, id)
);
CREATE UNIQUE INDEX role_assignments_unique ON role_assignments (org_id, role_id, person_id, COALESCE(system_id, ''));
CREATE INDEX role_assignments_person ON role_assignments (org_id, person_id);
CREATE INDEX role_assignments_system ON role_assignments (org_id, system_id);

CREATE TABLE raci_cells (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL,
    process    TEXT NOT NULL CHECK (process IN ('risk_assessment', 'impact_assessment', 'release_approval', 'incident_handling', 'internal_audit', 'management_review')),
    role_id    TEXT NOT NULL,
    letter     TEXT NOT NULL CHECK (letter IN ('R', 'A', 'C', 'I')),
    updated_at TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (org_id, role_id) REFERENCES aims_roles (org_id, id)
);
CREATE UNIQUE INDEX raci_cells_cell ON raci_cells (org_id, process, role_id);

CREATE TABLE competence_requirements (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL,
    role_id        TEXT NOT NULL,
    impact_domain  TEXT NOT NULL DEFAULT '',
    competence     TEXT NOT NULL CHECK (competence <> ''),
    competence_key TEXT NOT NULL,
    valid_months   INTEGER NOT NULL DEFAULT 0 CHECK (valid_months >= 0),
    action         TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (org_id, role_id) REFERENCES aims_roles (org_id, id)
);
CREATE INDEX competence_requirements_role ON competence_requirements (org_id, role_id);

CREATE TABLE training_records (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL,
    person_id      TEXT NOT NULL,
    competence     TEXT NOT NULL CHECK (competence <> ''),
    competence_key TEXT NOT NULL,
    completed_on   TIMESTAMPTZ NOT NULL,
    expires_on     TIMESTAMPTZ,
    evidence       TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    CHECK (expires_on IS NULL OR expires_on > completed_on),
    FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id)
);
CREATE INDEX training_records_person ON training_records (org_id, person_id, competence_key);
CREATE INDEX training_records_competence ON training_records (org_id, competence_key);

CREATE TABLE awareness_sessions (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations (id),
    held_on      TIMESTAMPTZ NOT NULL,
    topic        TEXT NOT NULL CHECK (topic <> ''),
    notes        TEXT NOT NULL DEFAULT '',
    attendee_ids TEXT NOT NULL DEFAULT '[]',
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id)
);
CREATE INDEX awareness_sessions_held ON awareness_sessions (org_id, held_on);

-- Who attended which session, for a person's awareness; the session's own
-- attendee_ids is what its audit events seal.
CREATE TABLE awareness_attendees (
    org_id     TEXT NOT NULL,
    session_id TEXT NOT NULL,
    person_id  TEXT NOT NULL,
    PRIMARY KEY (session_id, person_id),
    FOREIGN KEY (org_id, session_id) REFERENCES awareness_sessions (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id)
);
CREATE INDEX awareness_attendees_person ON awareness_attendees (org_id, person_id);

CREATE TABLE literacy_settings (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL UNIQUE REFERENCES organizations (id),
    competences    TEXT NOT NULL,
    max_age_months INTEGER NOT NULL DEFAULT 0 CHECK (max_age_months >= 0),
    updated_at     TIMESTAMPTZ NOT NULL
);
