-- +goose Up
-- Gate requests (issue 17): passing a model version's gate may be an
-- approval request (subject kind model_version_gate) whose approvers'
-- decisions feed the approvals check; the act that completes it names the
-- request and every approver. Keep in step with the other dialect's
-- 00250_gate_requests.sql.
ALTER TABLE model_version_approvals ADD COLUMN gate_request_id TEXT NOT NULL DEFAULT '';
ALTER TABLE model_version_approvals ADD COLUMN approvers TEXT NOT NULL DEFAULT '[]';

-- +goose Down
-- Forward-only: restore from a backup instead.
