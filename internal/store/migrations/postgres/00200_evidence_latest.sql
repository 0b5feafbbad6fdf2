-- Each piece of evidence carries its latest revision's id and dates, kept
-- by CreateEvidenceRevision in the same transaction as the revision: the
-- SoA page and "my work" read freshness from one index entry per piece of evidence
-- instead of finding the newest of its revisions each time, and compute it
-- in one aggregate query. The dates are microseconds since 1970 (UTC), so
-- that "collected plus the allowed age" is the same arithmetic in both
-- dialects. The links index also carries the evidence id, so that a
-- control's evidence is found from the index alone.
-- Keep in step with the other dialect's 00200_evidence_latest.sql.

-- +goose Up
ALTER TABLE evidence ADD COLUMN latest_revision_id TEXT NOT NULL DEFAULT '';
ALTER TABLE evidence ADD COLUMN latest_collected_us BIGINT NOT NULL DEFAULT 0;
ALTER TABLE evidence ADD COLUMN latest_expires_us BIGINT;
UPDATE evidence SET
    latest_revision_id = COALESCE((SELECT r.id FROM evidence_revisions r WHERE r.evidence_id = evidence.id ORDER BY r.number DESC LIMIT 1), ''),
    latest_collected_us = COALESCE((SELECT CAST(EXTRACT(EPOCH FROM r.collected_at) * 1000000 AS BIGINT) FROM evidence_revisions r WHERE r.evidence_id = evidence.id ORDER BY r.number DESC LIMIT 1), 0),
    latest_expires_us = (SELECT CAST(EXTRACT(EPOCH FROM r.expires_at) * 1000000 AS BIGINT) FROM evidence_revisions r WHERE r.evidence_id = evidence.id ORDER BY r.number DESC LIMIT 1);
-- Freshness reads the latest dates from the index alone (0: no revision).
CREATE INDEX evidence_latest ON evidence (org_id, id, latest_collected_us, latest_expires_us, kind);
DROP INDEX evidence_links_target;
CREATE INDEX evidence_links_target ON evidence_links (org_id, target_type, target_id, evidence_id);

-- +goose Down
-- Forward-only: restore from a backup instead.
