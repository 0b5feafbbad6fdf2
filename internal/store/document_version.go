package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// CreateDocumentVersion adds version v (its digest computed by the caller)
// to its document.
func CreateDocumentVersion(ctx context.Context, tx *Tx, scope aims.Scope, v *aims.DocumentVersion) error {
	v.ID = newID()
	v.CreatedAt, v.UpdatedAt = tx.now, tx.now
	v.CreatedBy = scope.Actor().Label
	_, err := tx.tx.ExecContext(ctx, `
		INSERT INTO document_versions (id, org_id, document_id, major, minor, change_summary, body, file_sha256, status,
			effective_on, digest, approval_id, approved_at, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		v.ID, scope.OrgID(), v.DocumentID, v.Major, v.Minor, v.ChangeSummary, v.Body, nullString(v.FileSHA256),
		string(v.Status), nullDate(v.EffectiveOn), v.Digest, nullString(v.ApprovalID), optTime(v.ApprovedAt),
		v.CreatedBy, v.CreatedAt, v.UpdatedAt)
	if err != nil {
		if isUniqueViolation(err) {
			return &aims.Error{Kind: aims.KindConflict, Message: fmt.Sprintf("version %s of this document already exists", v.Number()),
				Fields: []aims.FieldError{{Field: "minor", Detail: "version " + v.Number() + " already exists: number the new one higher"}}}
		}
		return fmt.Errorf("write document version %s: %w", v.Number(), mapError(err))
	}
	return tx.recordCreate(ctx, scope, aims.EntityDocumentVersion, v.ID, v)
}

const versionSelect = `
	SELECT v.id, v.document_id, v.major, v.minor, v.change_summary, v.body, COALESCE(v.file_sha256, ''), v.status,
		v.effective_on, v.digest, COALESCE(v.approval_id, ''), v.approved_at, v.created_by, v.created_at, v.updated_at, d.title
	FROM document_versions v JOIN documents d ON d.org_id = v.org_id AND d.id = v.document_id`

func scanVersion(sc scanner) (*aims.DocumentVersion, error) {
	var v aims.DocumentVersion
	var status string
	var eff, approved sql.NullTime
	if err := sc.Scan(&v.ID, &v.DocumentID, &v.Major, &v.Minor, &v.ChangeSummary, &v.Body, &v.FileSHA256, &status,
		&eff, &v.Digest, &v.ApprovalID, &approved, &v.CreatedBy, &v.CreatedAt, &v.UpdatedAt, &v.Title); err != nil {
		return nil, err
	}
	v.Status = aims.DocumentStatus(status)
	v.EffectiveOn, v.ApprovedAt = scanDate(eff), scanTime(approved)
	v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
	return &v, nil
}

// FindDocumentVersionByID returns one version of a document of the
// organization in scope.
func FindDocumentVersionByID(ctx context.Context, q Querier, scope aims.Scope, documentID, id string) (*aims.DocumentVersion, error) {
	v, err := scanVersion(q.queryer().QueryRowContext(ctx, versionSelect+`
		WHERE v.org_id = $1 AND v.document_id = $2 AND v.id = $3`, scope.OrgID(), documentID, id))
	if err != nil {
		return nil, notFound(err, "document version")
	}
	return v, nil
}

// FindVersionByID returns one document version of the organization in
// scope by its id alone (an approval names it so).
func FindVersionByID(ctx context.Context, q Querier, scope aims.Scope, id string) (*aims.DocumentVersion, error) {
	v, err := scanVersion(q.queryer().QueryRowContext(ctx, versionSelect+` WHERE v.org_id = $1 AND v.id = $2`, scope.OrgID(), id))
	if err != nil {
		return nil, notFound(err, "document version")
	}
	return v, nil
}

// FindDocumentVersions lists a document's versions, newest first.
func FindDocumentVersions(ctx context.Context, q Querier, scope aims.Scope, documentID string) ([]*aims.DocumentVersion, error) {
	rows, err := q.queryer().QueryContext(ctx, versionSelect+`
		WHERE v.org_id = $1 AND v.document_id = $2 ORDER BY v.major DESC, v.minor DESC`, scope.OrgID(), documentID)
	if err != nil {
		return nil, fmt.Errorf("document versions: %w", mapError(err))
	}
	defer rows.Close()
	out := []*aims.DocumentVersion{}
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, fmt.Errorf("document versions: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// UpdateDocumentVersion writes after (content, status, approval) over before.
func UpdateDocumentVersion(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.DocumentVersion) error {
	after.UpdatedAt = tx.now
	res, err := tx.tx.ExecContext(ctx, `
		UPDATE document_versions SET change_summary = $1, body = $2, file_sha256 = $3, status = $4, effective_on = $5,
			digest = $6, approval_id = $7, approved_at = $8, updated_at = $9
		WHERE org_id = $10 AND id = $11`,
		after.ChangeSummary, after.Body, nullString(after.FileSHA256), string(after.Status), nullDate(after.EffectiveOn),
		after.Digest, nullString(after.ApprovalID), optTime(after.ApprovedAt), after.UpdatedAt, scope.OrgID(), before.ID)
	if err != nil {
		return fmt.Errorf("write document version %s: %w", before.Number(), mapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return aims.ErrNotFound("document version")
	}
	return tx.recordUpdate(ctx, scope, aims.EntityDocumentVersion, before.ID, before, after)
}

// CreateAcknowledgement records that the scope's actor acknowledged
// version versionID; a second acknowledgement is a conflict.
func CreateAcknowledgement(ctx context.Context, tx *Tx, scope aims.Scope, a *aims.Acknowledgement) error {
	actor := scope.Actor()
	a.ID = newID()
	a.AcknowledgedAt = tx.now
	a.UserID, a.UserLabel = actor.UserID, actor.Label
	_, err := tx.tx.ExecContext(ctx, `
		INSERT INTO document_acknowledgements (id, org_id, version_id, user_id, user_label, acknowledged_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, a.ID, scope.OrgID(), a.VersionID, a.UserID, a.UserLabel, a.AcknowledgedAt)
	if isUniqueViolation(err) {
		return &aims.Error{Kind: aims.KindConflict, Message: "you have already acknowledged this version"}
	}
	if err != nil {
		return fmt.Errorf("record acknowledgement: %w", mapError(err))
	}
	return tx.recordCreate(ctx, scope, aims.EntityAcknowledgement, a.ID, a)
}

// FindAcknowledgements lists, for every member of the organization in
// scope, whether and when they acknowledged version versionID: those who
// have not first, then by name.
func FindAcknowledgements(ctx context.Context, q Querier, scope aims.Scope, versionID string) ([]aims.AckStatus, error) {
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT m.user_id, u.name, a.acknowledged_at
		FROM memberships m JOIN users u ON u.id = m.user_id
		LEFT JOIN document_acknowledgements a ON a.org_id = m.org_id AND a.user_id = m.user_id AND a.version_id = $2
		WHERE m.org_id = $1 AND NOT m.disabled
		ORDER BY CASE WHEN a.acknowledged_at IS NULL THEN 0 ELSE 1 END, u.name, m.user_id`, scope.OrgID(), versionID)
	if err != nil {
		return nil, fmt.Errorf("acknowledgements: %w", mapError(err))
	}
	defer rows.Close()
	out := []aims.AckStatus{}
	for rows.Next() {
		var s aims.AckStatus
		var at sql.NullTime
		if err := rows.Scan(&s.UserID, &s.Name, &at); err != nil {
			return nil, fmt.Errorf("acknowledgements: %w", err)
		}
		s.AcknowledgedAt = scanTime(at)
		out = append(out, s)
	}
	return out, rows.Err()
}

// ToAcknowledge lists the approved versions of the organization in scope
// that userID has not acknowledged, by document title.
func ToAcknowledge(ctx context.Context, q Querier, scope aims.Scope, userID string) ([]*aims.DocumentVersion, error) {
	rows, err := q.queryer().QueryContext(ctx, versionSelect+`
		WHERE v.org_id = $1 AND v.status = 'approved'
			AND NOT EXISTS (SELECT 1 FROM document_acknowledgements a WHERE a.org_id = v.org_id AND a.version_id = v.id AND a.user_id = $2)
		ORDER BY d.title_key, d.id`, scope.OrgID(), userID)
	if err != nil {
		return nil, fmt.Errorf("versions to acknowledge: %w", mapError(err))
	}
	defer rows.Close()
	out := []*aims.DocumentVersion{}
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, fmt.Errorf("versions to acknowledge: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// PolicyAcknowledgements lists the approved versions in force of the
// organization's AI policies, by title, with when userID acknowledged each
// (none when userID is empty: a person without an account).
func PolicyAcknowledgements(ctx context.Context, q Querier, scope aims.Scope, userID string) ([]aims.PolicyAck, error) {
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT d.id, d.title, v.id, v.major, v.minor, a.acknowledged_at
		FROM document_versions v JOIN documents d ON d.org_id = v.org_id AND d.id = v.document_id
		LEFT JOIN document_acknowledgements a ON a.org_id = v.org_id AND a.version_id = v.id AND a.user_id = $2
		WHERE v.org_id = $1 AND v.status = 'approved' AND d.doc_type = 'ai_policy'
		ORDER BY d.title_key, d.id`, scope.OrgID(), userID)
	if err != nil {
		return nil, fmt.Errorf("policy acknowledgements: %w", mapError(err))
	}
	defer rows.Close()
	out := []aims.PolicyAck{}
	for rows.Next() {
		var a aims.PolicyAck
		var major, minor int
		var at sql.NullTime
		if err := rows.Scan(&a.DocumentID, &a.DocumentTitle, &a.VersionID, &major, &minor, &at); err != nil {
			return nil, fmt.Errorf("policy acknowledgements: %w", err)
		}
		a.Version = fmt.Sprintf("%d.%d", major, minor)
		if userID != "" {
			a.AcknowledgedAt = scanTime(at)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
