-- +goose Up
-- The organization's approval policy (ISO/IEC 42001 5.3, 7.5.3, A.3.2):
-- with separation of duties (the default) a person never decides their
-- own approval request. A request may make it stricter, never weaker.
CREATE TABLE approval_settings (
    org_id               TEXT PRIMARY KEY REFERENCES organizations (id),
    separation_of_duties BOOLEAN NOT NULL DEFAULT TRUE
);

-- +goose Down
DROP TABLE approval_settings;
