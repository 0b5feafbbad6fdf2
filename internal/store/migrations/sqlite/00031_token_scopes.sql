-- Token scopes: a space-separated list that limits what an API token may do
-- (e.g. "log:read"). Empty means the member's full role.
-- Keep in step with the other dialect's 00031_token_scopes.sql.

-- +goose Up
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT '';

-- +goose Down
-- Forward-only: restore from a backup instead.
