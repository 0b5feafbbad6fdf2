package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// evidenceReg is the evidence register's table.
var evidenceReg = register{table: "evidence", noun: "evidence", entity: aims.EntityEvidence}

// EvidenceLinkKey is the kind and sorted links of a piece of evidence as
// one string: a push with the same kind and links finds the same evidence.
func EvidenceLinkKey(kind string, links []aims.EvidenceLink) string {
	var b strings.Builder
	b.WriteString(kind)
	for _, l := range aims.NormalizeLinks(links) {
		b.WriteString("|" + string(l.Type) + "=" + l.ID)
	}
	return b.String()
}

// CreateEvidence adds a piece of evidence with its links.
func CreateEvidence(ctx context.Context, tx *Tx, scope aims.Scope, e *aims.Evidence) error {
	e.ID = newID()
	e.CreatedAt, e.UpdatedAt = tx.now, tx.now
	e.Links = aims.NormalizeLinks(e.Links)
	err := evidenceReg.insert(ctx, tx, e.Title, `
		INSERT INTO evidence (id, org_id, title, kind, description, link_key, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		e.ID, scope.OrgID(), e.Title, e.Kind, e.Description, EvidenceLinkKey(e.Kind, e.Links), e.CreatedAt, e.UpdatedAt)
	if err != nil {
		return err
	}
	for _, l := range e.Links {
		if _, err := tx.exec(ctx, `INSERT INTO evidence_links (org_id, evidence_id, target_type, target_id) VALUES ($1, $2, $3, $4)`,
			scope.OrgID(), e.ID, string(l.Type), l.ID); err != nil {
			return fmt.Errorf("link evidence %q: %w", e.Title, mapError(err))
		}
	}
	return tx.recordCreate(ctx, scope, aims.EntityEvidence, e.ID, e)
}

const evidenceSelect = `
	SELECT e.id, e.title, e.kind, e.description, e.created_at, e.updated_at`

func scanEvidence(sc scanner, extra ...any) (*aims.Evidence, error) {
	var e aims.Evidence
	if err := sc.Scan(append([]any{&e.ID, &e.Title, &e.Kind, &e.Description, &e.CreatedAt, &e.UpdatedAt}, extra...)...); err != nil {
		return nil, err
	}
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	e.Links = []aims.EvidenceLink{}
	return &e, nil
}

// FindEvidenceByID returns one piece of evidence with its links and every
// revision, newest first.
func FindEvidenceByID(ctx context.Context, q Querier, scope aims.Scope, id string) (*aims.Evidence, error) {
	e, err := scanEvidence(q.queryer().QueryRowContext(ctx, evidenceSelect+` FROM evidence e WHERE e.org_id = $1 AND e.id = $2`, scope.OrgID(), id))
	if err := evidenceReg.one(err); err != nil {
		return nil, err
	}
	if err := loadEvidenceLinks(ctx, q, scope, map[string]*aims.Evidence{e.ID: e}); err != nil {
		return nil, err
	}
	revs, err := findRevisions(ctx, q, scope, `r.evidence_id = $2 ORDER BY r.number DESC`, id)
	if err != nil {
		return nil, err
	}
	e.Revisions = revs
	if len(revs) > 0 {
		e.Latest = revs[0]
	}
	return e, nil
}

// FindEvidenceByLinkKey returns the oldest evidence with this kind and
// these links, or not found.
func FindEvidenceByLinkKey(ctx context.Context, q Querier, scope aims.Scope, key string) (*aims.Evidence, error) {
	var id string
	err := q.queryer().QueryRowContext(ctx, `SELECT id FROM evidence WHERE org_id = $1 AND link_key = $2 ORDER BY id LIMIT 1`,
		scope.OrgID(), key).Scan(&id)
	if err := evidenceReg.one(err); err != nil {
		return nil, err
	}
	return FindEvidenceByID(ctx, q, scope, id)
}

func loadEvidenceLinks(ctx context.Context, q Querier, scope aims.Scope, byID map[string]*aims.Evidence) error {
	if len(byID) == 0 {
		return nil
	}
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	return eachChunk(ids, func(chunk []string) error {
		args := []any{scope.OrgID()}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := q.queryer().QueryContext(ctx, `SELECT evidence_id, target_type, target_id FROM evidence_links
			WHERE org_id = $1 AND evidence_id IN (`+marks(2, len(chunk))+`) ORDER BY evidence_id, target_type, target_id`,
			args...)
		if err != nil {
			return fmt.Errorf("links of evidence: %w", mapError(err))
		}
		defer rows.Close()
		for rows.Next() {
			var id, typ, target string
			if err := rows.Scan(&id, &typ, &target); err != nil {
				return fmt.Errorf("links of evidence: %w", err)
			}
			if e := byID[id]; e != nil {
				e.Links = append(e.Links, aims.EvidenceLink{Type: aims.EvidenceTarget(typ), ID: target})
			}
		}
		return rows.Err()
	})
}

// revisionSelect reads a revision with the index of the log leaf sealing
// it (through its create event).
const revisionSelect = `
	SELECT r.id, r.evidence_id, r.number, r.source, r.url, r.digest, r.size, r.media_type, r.file_name,
		r.collected_by, r.collected_token, r.collected_by_label, r.collected_at, r.effective_from, r.effective_to,
		r.expires_at, r.note, r.created_at,
		(SELECT ae.id FROM audit_events ae WHERE ae.org_id = r.org_id AND ae.entity_type = 'evidence_revision'
			AND ae.entity_id = r.id AND ae.action = 'create'),
		(SELECT l.idx FROM audit_events ae JOIN log_heads h ON h.org_id = ae.org_id
			JOIN log_leaves l ON l.log_id = h.log_id AND l.ref = ae.id
			WHERE ae.org_id = r.org_id AND ae.entity_type = 'evidence_revision' AND ae.entity_id = r.id AND ae.action = 'create')
	FROM evidence_revisions r`

func scanRevision(sc scanner) (*aims.EvidenceRevision, error) {
	var r aims.EvidenceRevision
	var source string
	var from, to, exp sql.NullTime
	var event sql.NullString
	var idx sql.NullInt64
	if err := sc.Scan(&r.ID, &r.EvidenceID, &r.Number, &source, &r.URL, &r.Digest, &r.Size, &r.MediaType, &r.FileName,
		&r.CollectedBy, &r.CollectedToken, &r.CollectedByLabel, &r.CollectedAt, &from, &to, &exp, &r.Note, &r.CreatedAt,
		&event, &idx); err != nil {
		return nil, err
	}
	r.Source = aims.EvidenceSource(source)
	r.CollectedAt, r.CreatedAt = r.CollectedAt.UTC(), r.CreatedAt.UTC()
	r.EffectiveFrom, r.EffectiveTo, r.ExpiresAt = scanTime(from), scanTime(to), scanTime(exp)
	r.AuditEventID = event.String
	if idx.Valid {
		r.LogIndex = &idx.Int64
	}
	return &r, nil
}

func findRevisions(ctx context.Context, q Querier, scope aims.Scope, where string, args ...any) ([]*aims.EvidenceRevision, error) {
	rows, err := q.queryer().QueryContext(ctx, revisionSelect+` WHERE r.org_id = $1 AND `+where, append([]any{scope.OrgID()}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("find evidence revisions: %w", mapError(err))
	}
	defer rows.Close()
	out := []*aims.EvidenceRevision{}
	for rows.Next() {
		r, err := scanRevision(rows)
		if err != nil {
			return nil, fmt.Errorf("find evidence revisions: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// FindEvidenceRevision returns one revision of the organization's evidence.
func FindEvidenceRevision(ctx context.Context, q Querier, scope aims.Scope, id string) (*aims.EvidenceRevision, error) {
	r, err := scanRevision(q.queryer().QueryRowContext(ctx, revisionSelect+` WHERE r.org_id = $1 AND r.id = $2`, scope.OrgID(), id))
	if err != nil {
		return nil, notFound(err, "evidence revision")
	}
	return r, nil
}

// FindEvidenceRevisionByDigest returns the organization's oldest revision
// of a file with this digest: another organization's file is not found.
func FindEvidenceRevisionByDigest(ctx context.Context, q Querier, scope aims.Scope, digest string) (*aims.EvidenceRevision, error) {
	revs, err := findRevisions(ctx, q, scope, `r.digest = $2 ORDER BY r.created_at, r.id LIMIT 1`, digest)
	if err != nil {
		return nil, err
	}
	if len(revs) == 0 {
		return nil, aims.ErrNotFound("evidence file")
	}
	return revs[0], nil
}

// AllEvidenceDigests lists every file digest the organization's revisions
// name, once each (aims evidence verify).
func AllEvidenceDigests(ctx context.Context, q Querier, scope aims.Scope) ([]string, error) {
	rows, err := q.queryer().QueryContext(ctx, `SELECT DISTINCT digest FROM evidence_revisions WHERE org_id = $1 AND digest <> '' ORDER BY digest`, scope.OrgID())
	if err != nil {
		return nil, fmt.Errorf("evidence digests: %w", mapError(err))
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// CreateEvidenceRevision adds the next revision of r.EvidenceID and seals
// it in the log through its audit event.
func CreateEvidenceRevision(ctx context.Context, tx *Tx, scope aims.Scope, r *aims.EvidenceRevision) error {
	r.ID = newID()
	r.CreatedAt = tx.now
	if r.CollectedAt.IsZero() {
		r.CollectedAt = tx.now
	}
	r.CollectedAt = r.CollectedAt.UTC().Truncate(time.Microsecond)
	if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(number), 0) + 1 FROM evidence_revisions WHERE org_id = $1 AND evidence_id = $2`,
		scope.OrgID(), r.EvidenceID).Scan(&r.Number); err != nil {
		return fmt.Errorf("number evidence revision: %w", mapError(err))
	}
	_, err := tx.exec(ctx, `
		INSERT INTO evidence_revisions (id, org_id, evidence_id, number, source, url, digest, size, media_type, file_name,
			collected_by, collected_token, collected_by_label, collected_at, effective_from, effective_to, expires_at, note, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
		r.ID, scope.OrgID(), r.EvidenceID, r.Number, string(r.Source), r.URL, r.Digest, r.Size, r.MediaType, r.FileName,
		r.CollectedBy, r.CollectedToken, r.CollectedByLabel, r.CollectedAt, optTime(r.EffectiveFrom), optTime(r.EffectiveTo),
		optTime(r.ExpiresAt), r.Note, r.CreatedAt)
	if err != nil {
		return fmt.Errorf("add evidence revision: %w", mapError(err))
	}
	// The evidence carries its latest revision (numbers only grow, so the
	// new revision is the latest): freshness reads one row per evidence.
	if _, err := tx.exec(ctx, `UPDATE evidence SET latest_revision_id = $3, latest_collected_us = $4, latest_expires_us = $5
		WHERE org_id = $1 AND id = $2`, scope.OrgID(), r.EvidenceID, r.ID, r.CollectedAt.UnixMicro(), optMicros(r.ExpiresAt)); err != nil {
		return fmt.Errorf("mark latest evidence revision: %w", mapError(err))
	}
	return tx.recordCreate(ctx, scope, aims.EntityEvidenceRevision, r.ID, r)
}

// latestRevision joins each piece of evidence e with its latest revision
// r, which the evidence names (latest_revision_id, kept on write).
const latestRevision = `
	JOIN evidence_revisions r ON r.id = e.latest_revision_id`

// evidenceWhere is the list's filter: $1 org, $2 search, $3 kind, $4 and
// $5 a linked record, $6 a digest any revision has.
const evidenceWhere = `
	WHERE e.org_id = $1
		AND (CAST($2 AS TEXT) IS NULL OR LOWER(e.title) LIKE $2 ESCAPE '\' OR LOWER(e.kind) LIKE $2 ESCAPE '\'
			OR LOWER(r.file_name) LIKE $2 ESCAPE '\' OR LOWER(r.url) LIKE $2 ESCAPE '\')
		AND (CAST($3 AS TEXT) IS NULL OR e.kind = $3)
		AND (CAST($4 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM evidence_links l WHERE l.org_id = e.org_id
			AND l.evidence_id = e.id AND l.target_type = $4 AND l.target_id = $5))
		AND (CAST($6 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM evidence_revisions rd WHERE rd.org_id = e.org_id
			AND rd.evidence_id = e.id AND rd.digest = $6))`

// evidenceOrder are the list's sort keys.
var evidenceOrder = map[string]string{
	"":          "r.collected_at DESC, e.id",
	"collected": "r.collected_at DESC, e.id",
	"title":     "LOWER(e.title), e.id",
	"kind":      "e.kind, LOWER(e.title), e.id",
	"expires":   "CASE WHEN r.expires_at IS NULL THEN 1 ELSE 0 END, r.expires_at, e.id",
}

// EvidenceSortKeys lists the list's sort keys.
func EvidenceSortKeys() []string { return []string{"collected", "title", "kind", "expires"} }

// FindEvidence lists the organization's evidence with its latest revision.
func FindEvidence(ctx context.Context, q Querier, scope aims.Scope, f aims.EvidenceFilter) ([]*aims.Evidence, int, error) {
	order, ok := evidenceOrder[f.Sort]
	if !ok {
		return nil, 0, &aims.Error{Kind: aims.KindInvalid, Message: "unknown sort key",
			Fields: []aims.FieldError{{Field: "sort", Detail: "must be one of " + strings.Join(EvidenceSortKeys(), ", ")}}}
	}
	var target, targetID any
	if f.Target != "" {
		target, targetID = string(f.Target), f.TargetID
	}
	out, total, err := findPage(ctx, q, "evidence", evidenceSelect+`, r.id,
		(SELECT COUNT(*) FROM evidence e`+latestRevision+evidenceWhere+`)
		FROM evidence e`+latestRevision+evidenceWhere+`
		ORDER BY `+order+`
		LIMIT $7 OFFSET $8`,
		[]any{scope.OrgID(), lowerPattern(f.Search), opt(f.Kind), target, targetID, opt(f.Digest)}, f.Page,
		func(sc scanner, total *int) (*aims.Evidence, error) {
			var rid string
			e, err := scanEvidence(sc, &rid, total)
			if err != nil {
				return nil, err
			}
			e.Latest = &aims.EvidenceRevision{ID: rid}
			return e, nil
		})
	if err != nil {
		return nil, 0, err
	}
	byID := map[string]*aims.Evidence{}
	for _, e := range out {
		byID[e.ID] = e
		if e.Latest, err = FindEvidenceRevision(ctx, q, scope, e.Latest.ID); err != nil {
			return nil, 0, err
		}
	}
	return out, total, loadEvidenceLinks(ctx, q, scope, byID)
}

// optMicros is t in microseconds since 1970, or NULL: how the evidence
// carries its latest revision's dates (see 00200_evidence_latest.sql).
func optMicros(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMicro()
}

// fromMicros reads optMicros back.
func fromMicros(us sql.NullInt64) *time.Time {
	if !us.Valid {
		return nil
	}
	t := time.UnixMicro(us.Int64).UTC()
	return &t
}

// evidenceTargetTables are the tables of the record kinds evidence links
// to by id (a requirement is checked against the catalog instead).
var evidenceTargetTables = map[aims.EvidenceTarget]string{
	aims.TargetAISystem: "ai_systems", aims.TargetModelVersion: "model_versions", aims.TargetDataset: "datasets",
	aims.TargetRisk: "risks", aims.TargetRiskAction: "risk_actions", aims.TargetDocument: "documents",
}

// EvidenceTargetExists reports whether the organization has the record
// evidence would link to (true for a kind checked elsewhere).
func EvidenceTargetExists(ctx context.Context, q Querier, scope aims.Scope, target aims.EvidenceTarget, id string) (bool, error) {
	table, ok := evidenceTargetTables[target]
	if !ok {
		return true, nil
	}
	var one int
	err := q.queryer().QueryRowContext(ctx, `SELECT 1 FROM `+table+` WHERE org_id = $1 AND id = $2`, scope.OrgID(), id).Scan(&one)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("find %s: %w", target, mapError(err))
	}
	return true, nil
}

// FindAllEvidence returns every piece of the organization's evidence with
// its links and all its revisions, oldest first: what the evidence export
// lists.
func FindAllEvidence(ctx context.Context, q Querier, scope aims.Scope) ([]*aims.Evidence, error) {
	rows, err := q.queryer().QueryContext(ctx, evidenceSelect+` FROM evidence e WHERE e.org_id = $1 ORDER BY LOWER(e.title), e.id`, scope.OrgID())
	if err != nil {
		return nil, fmt.Errorf("find evidence: %w", mapError(err))
	}
	out := []*aims.Evidence{}
	byID := map[string]*aims.Evidence{}
	for rows.Next() {
		e, err := scanEvidence(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("find evidence: %w", err)
		}
		out, byID[e.ID] = append(out, e), e
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find evidence: %w", err)
	}
	if err := loadEvidenceLinks(ctx, q, scope, byID); err != nil {
		return nil, err
	}
	revs, err := findRevisions(ctx, q, scope, `TRUE ORDER BY r.evidence_id, r.number`)
	if err != nil {
		return nil, err
	}
	for _, r := range revs {
		if e := byID[r.EvidenceID]; e != nil {
			e.Revisions = append(e.Revisions, r)
		}
	}
	return out, nil
}
