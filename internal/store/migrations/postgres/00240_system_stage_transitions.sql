-- +goose Up
-- An AI system's stage is set by a recorded act, not by editing the record
-- (issue 17; ISO/IEC 42001 A.6.2.5, 8.1): each act keeps who moved the
-- system from which stage to which, the gate it passed (into deployed: the
-- system deployment gate) with its checks' results, and an admin's override
-- reason. A system that reached its stage without passing its gate in aims
-- (an admin's override, or registered as already deployed) carries the
-- override on its row until it passes the gate.
CREATE TABLE system_stage_transitions (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organizations (id),
    system_id       TEXT NOT NULL,
    from_stage      TEXT NOT NULL DEFAULT '',
    to_stage        TEXT NOT NULL,
    comment         TEXT NOT NULL DEFAULT '',
    gate            TEXT NOT NULL DEFAULT '',
    checks          TEXT NOT NULL DEFAULT '[]',
    override_reason TEXT NOT NULL DEFAULT '',
    by_id           TEXT NOT NULL DEFAULT '',
    by_label        TEXT NOT NULL DEFAULT '',
    at              TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (org_id, system_id) REFERENCES ai_systems (org_id, id)
);
CREATE INDEX system_stage_transitions_system ON system_stage_transitions (org_id, system_id, at);

ALTER TABLE ai_systems ADD COLUMN gate_override_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE ai_systems ADD COLUMN gate_override_by TEXT NOT NULL DEFAULT '';
ALTER TABLE ai_systems ADD COLUMN gate_override_at TIMESTAMPTZ;
