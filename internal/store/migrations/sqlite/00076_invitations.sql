-- Invitations: an organization adds a person only through an invitation
-- the person accepts, so that nothing of an account (its id, name, other
-- memberships) reaches an organization the person has not joined. Keep in
-- step with ../postgres/00076_invitations.sql.

-- +goose Up
CREATE TABLE invitations (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organizations (id),
    email         TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'aims_manager', 'system_owner', 'contributor', 'auditor', 'viewer')),
    token_hash    TEXT NOT NULL UNIQUE, -- SHA-256 of the link's secret; the secret is shown once
    invited_by    TEXT NOT NULL,        -- who invited, as the audit trail names them
    created_at    TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP NOT NULL,
    accepted_at   TIMESTAMP,
    revoked_at    TIMESTAMP
);
CREATE INDEX invitations_org_email ON invitations (org_id, email);
