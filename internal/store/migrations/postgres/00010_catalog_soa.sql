-- Catalogs an organization imports, its own requirement texts and
-- mappings, and the Statement of Applicability with its versions
-- (ISO/IEC 42001 6.1.3). The built-in catalogs are embedded in the binary,
-- not stored. Keep in step with ../sqlite/00010_catalog_soa.sql.

-- +goose Up
-- A framework imported from OSCAL, kept whole as aims' JSON form.
CREATE TABLE org_frameworks (
    org_id     TEXT NOT NULL REFERENCES organizations (id),
    id         TEXT NOT NULL,
    title      TEXT NOT NULL,
    document   TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, id)
);

-- An organization's own copy of requirement texts (the ISO/IEC 42001 text,
-- imported by an organization that owns the standard).
CREATE TABLE requirement_texts (
    org_id         TEXT NOT NULL REFERENCES organizations (id),
    framework      TEXT NOT NULL,
    requirement_id TEXT NOT NULL,
    text           TEXT NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, framework, requirement_id)
);

-- Mappings an organization adds to the shipped crosswalks.
CREATE TABLE org_mappings (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations (id),
    from_framework TEXT NOT NULL,
    source_id      TEXT NOT NULL,
    to_framework   TEXT NOT NULL,
    target_id      TEXT NOT NULL,
    relationship   TEXT NOT NULL CHECK (relationship IN ('equal', 'subset', 'superset', 'intersects', 'related')),
    rationale      TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    UNIQUE (org_id, from_framework, source_id, to_framework, target_id)
);

CREATE TABLE soa_versions (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations (id),
    number         INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('draft', 'approved')),
    based_on       INTEGER NOT NULL DEFAULT 0,
    created_at     TIMESTAMP NOT NULL,
    created_by     TEXT NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    approved_at    TIMESTAMP,
    approved_by_id TEXT NOT NULL DEFAULT '',
    approved_by    TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT '',
    UNIQUE (org_id, number),
    UNIQUE (org_id, id)
);
-- One draft at a time: a new draft starts from the last approved version.
CREATE UNIQUE INDEX soa_versions_one_draft ON soa_versions (org_id) WHERE status = 'draft';

-- Rows of a version. Risks and evidence (later) link to a control by
-- (org_id, framework, requirement_id), which stays the same across versions.
CREATE TABLE soa_rows (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL,
    version_id     TEXT NOT NULL,
    framework      TEXT NOT NULL,
    requirement_id TEXT NOT NULL,
    applicability  TEXT NOT NULL CHECK (applicability IN ('undecided', 'applicable', 'excluded')),
    justification  TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL CHECK (status IN ('not_started', 'planned', 'partially_implemented', 'implemented')),
    owner_id       TEXT,
    target_date    TIMESTAMP,
    notes          TEXT NOT NULL DEFAULT '',
    added          BOOLEAN NOT NULL DEFAULT FALSE,
    position       INTEGER NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (version_id, framework, requirement_id),
    FOREIGN KEY (org_id, version_id) REFERENCES soa_versions (org_id, id),
    FOREIGN KEY (org_id, owner_id) REFERENCES memberships (org_id, user_id)
);
CREATE INDEX soa_rows_control ON soa_rows (org_id, framework, requirement_id);

-- An approved version is frozen (ISO/IEC 42001 7.5.3). The service refuses
-- such edits with 409; these triggers stop honest mistakes below it.
-- +goose StatementBegin
CREATE FUNCTION soa_rows_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    vid TEXT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        vid := NEW.version_id;
    ELSE
        vid := OLD.version_id;
    END IF;
    IF (SELECT status FROM soa_versions WHERE id = vid) = 'approved' THEN
        RAISE EXCEPTION 'approved SoA versions are frozen';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER soa_rows_frozen BEFORE INSERT OR UPDATE OR DELETE ON soa_rows
    FOR EACH ROW EXECUTE FUNCTION soa_rows_frozen();

-- +goose StatementBegin
CREATE FUNCTION soa_versions_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'approved' THEN
        RAISE EXCEPTION 'approved SoA versions are frozen';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER soa_versions_frozen BEFORE UPDATE OR DELETE ON soa_versions
    FOR EACH ROW EXECUTE FUNCTION soa_versions_frozen();

-- +goose Down
-- Forward-only: restore from a backup instead.
