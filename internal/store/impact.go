package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// assessmentContent is the part of an impact assessment kept as JSON.
type assessmentContent struct {
	IntendedUse         string                      `json:"intended_use"`
	ForeseeableMisuse   string                      `json:"foreseeable_misuse"`
	AffectedParties     []aims.AffectedParty        `json:"affected_parties"`
	AffectedDescription string                      `json:"affected_description"`
	Areas               []aims.ImpactAreaAssessment `json:"areas"`
	Conclusion          string                      `json:"conclusion"`
}

func encodeAssessment(a *aims.ImpactAssessment) (string, error) {
	areas := make([]aims.ImpactAreaAssessment, len(a.Areas))
	for i, x := range a.Areas {
		x.LinkedRisks = nil // kept on the risks, not here
		areas[i] = x
	}
	b, err := json.Marshal(assessmentContent{IntendedUse: a.IntendedUse, ForeseeableMisuse: a.ForeseeableMisuse,
		AffectedParties: a.AffectedParties, AffectedDescription: a.AffectedDescription, Areas: areas, Conclusion: a.Conclusion})
	if err != nil {
		return "", fmt.Errorf("encode impact assessment: %w", err)
	}
	return string(b), nil
}

// assessmentForAudit is the assessment as the audit trail keeps it.
func assessmentForAudit(a *aims.ImpactAssessment) *aims.ImpactAssessment {
	c := *a
	c.OutOfDate = nil
	c.Areas = make([]aims.ImpactAreaAssessment, len(a.Areas))
	for i, x := range a.Areas {
		x.LinkedRisks = nil
		c.Areas[i] = x
	}
	return &c
}

// CreateImpactAssessment stores a new draft of a system's impact
// assessment with the next version number. One draft per system at a time.
func CreateImpactAssessment(ctx context.Context, tx *Tx, scope aims.Scope, a *aims.ImpactAssessment) error {
	if err := tx.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM impact_assessments WHERE org_id = $1 AND system_id = $2`,
		scope.OrgID(), a.SystemID).Scan(&a.Version); err != nil {
		return fmt.Errorf("next impact assessment version: %w", mapError(err))
	}
	a.ID = newID()
	a.Status = aims.AssessmentDraft
	a.CreatedAt, a.UpdatedAt, a.CreatedBy = tx.now, tx.now, scope.Actor().Label
	doc, err := encodeAssessment(a)
	if err != nil {
		return err
	}
	_, err = tx.tx.ExecContext(ctx, `
		INSERT INTO impact_assessments (id, org_id, system_id, version, status, document, created_at, created_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		a.ID, scope.OrgID(), a.SystemID, a.Version, string(a.Status), doc, a.CreatedAt, a.CreatedBy, a.UpdatedAt)
	if isUniqueViolation(err) {
		return aims.Errorf(aims.KindConflict, "%s has a draft impact assessment already: edit it, or sign it off first", a.SystemName)
	}
	if err != nil {
		return fmt.Errorf("create impact assessment: %w", mapError(err))
	}
	return tx.recordCreate(ctx, scope, aims.EntityImpactAssessment, a.ID, assessmentForAudit(a))
}

const assessmentSelect = `
	SELECT a.id, a.system_id, s.name, a.version, a.status, a.document, a.created_at, a.created_by, a.updated_at,
		a.signed_off_at, a.signed_off_by_id, a.signed_off_by, a.snapshot
	FROM impact_assessments a JOIN ai_systems s ON s.id = a.system_id`

func scanAssessment(sc scanner) (*aims.ImpactAssessment, error) {
	var a aims.ImpactAssessment
	var status, doc string
	var signed sql.NullTime
	var snap sql.NullString
	if err := sc.Scan(&a.ID, &a.SystemID, &a.SystemName, &a.Version, &status, &doc, &a.CreatedAt, &a.CreatedBy, &a.UpdatedAt,
		&signed, &a.SignedOffByID, &a.SignedOffBy, &snap); err != nil {
		return nil, err
	}
	var c assessmentContent
	if err := json.Unmarshal([]byte(doc), &c); err != nil {
		return nil, fmt.Errorf("decode impact assessment %s: %w", a.ID, err)
	}
	a.IntendedUse, a.ForeseeableMisuse, a.AffectedParties = c.IntendedUse, c.ForeseeableMisuse, c.AffectedParties
	a.AffectedDescription, a.Areas, a.Conclusion = c.AffectedDescription, c.Areas, c.Conclusion
	if a.AffectedParties == nil {
		a.AffectedParties = []aims.AffectedParty{}
	}
	if snap.Valid {
		a.Snapshot = &aims.SystemSnapshot{}
		if err := json.Unmarshal([]byte(snap.String), a.Snapshot); err != nil {
			return nil, fmt.Errorf("decode snapshot of impact assessment %s: %w", a.ID, err)
		}
	}
	a.Status = aims.AssessmentStatus(status)
	a.CreatedAt, a.UpdatedAt, a.SignedOffAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC(), scanTime(signed)
	return &a, nil
}

// FindImpactAssessment returns one assessment of one system.
func FindImpactAssessment(ctx context.Context, q Querier, scope aims.Scope, systemID, id string) (*aims.ImpactAssessment, error) {
	a, err := scanAssessment(q.queryer().QueryRowContext(ctx, assessmentSelect+` WHERE a.org_id = $1 AND a.system_id = $2 AND a.id = $3`,
		scope.OrgID(), systemID, id))
	if err != nil {
		return nil, notFound(err, "impact assessment")
	}
	return a, nil
}

// FindImpactAssessments lists the versions of one system's impact
// assessment, newest first.
func FindImpactAssessments(ctx context.Context, q Querier, scope aims.Scope, systemID string) ([]*aims.ImpactAssessment, error) {
	return findAssessments(ctx, q, `WHERE a.org_id = $1 AND a.system_id = $2 ORDER BY a.version DESC`, scope.OrgID(), systemID)
}

// FindLatestSignedOffAssessments returns, for each system of the
// organization that has one, its latest signed-off impact assessment.
func FindLatestSignedOffAssessments(ctx context.Context, q Querier, scope aims.Scope, systemID string) ([]*aims.ImpactAssessment, error) {
	return findAssessments(ctx, q, `WHERE a.org_id = $1 AND ($2 = '' OR a.system_id = $2) AND a.status = 'signed_off' AND a.version = (
		SELECT MAX(b.version) FROM impact_assessments b WHERE b.system_id = a.system_id AND b.status = 'signed_off')
		ORDER BY s.name_key`, scope.OrgID(), systemID)
}

// FindDraftAssessmentVersions returns, by system, the version of each
// draft in progress.
func FindDraftAssessmentVersions(ctx context.Context, q Querier, scope aims.Scope) (map[string]int, error) {
	rows, err := q.queryer().QueryContext(ctx, `SELECT system_id, version FROM impact_assessments WHERE org_id = $1 AND status = 'draft'`, scope.OrgID())
	if err != nil {
		return nil, fmt.Errorf("find draft impact assessments: %w", mapError(err))
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var v int
		if err := rows.Scan(&id, &v); err != nil {
			return nil, fmt.Errorf("find draft impact assessments: %w", err)
		}
		out[id] = v
	}
	return out, rows.Err()
}

func findAssessments(ctx context.Context, q Querier, where string, args ...any) ([]*aims.ImpactAssessment, error) {
	rows, err := q.queryer().QueryContext(ctx, assessmentSelect+" "+where, args...)
	if err != nil {
		return nil, fmt.Errorf("find impact assessments: %w", mapError(err))
	}
	defer rows.Close()
	out := []*aims.ImpactAssessment{}
	for rows.Next() {
		a, err := scanAssessment(rows)
		if err != nil {
			return nil, fmt.Errorf("find impact assessments: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func errSignedOff(a *aims.ImpactAssessment) error {
	return aims.Errorf(aims.KindConflict, "impact assessment version %d is signed off and frozen: start a new version to change it", a.Version)
}

// UpdateImpactAssessment writes after over the draft before.
func UpdateImpactAssessment(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.ImpactAssessment) error {
	if before.Status != aims.AssessmentDraft {
		return errSignedOff(before)
	}
	after.UpdatedAt = tx.now
	doc, err := encodeAssessment(after)
	if err != nil {
		return err
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE impact_assessments SET document = $1, updated_at = $2 WHERE org_id = $3 AND id = $4 AND status = 'draft'`,
		doc, after.UpdatedAt, scope.OrgID(), before.ID)
	if err != nil {
		return fmt.Errorf("update impact assessment: %w", mapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errSignedOff(before)
	}
	return tx.recordUpdate(ctx, scope, aims.EntityImpactAssessment, before.ID, assessmentForAudit(before), assessmentForAudit(after))
}

// SignOffImpactAssessment freezes the draft before as after, with the
// signer (the actor in scope), the time and the system's snapshot.
func SignOffImpactAssessment(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.ImpactAssessment, snap aims.SystemSnapshot) error {
	if before.Status != aims.AssessmentDraft {
		return errSignedOff(before)
	}
	actor := scope.Actor()
	now := tx.now
	after.Status, after.SignedOffAt, after.SignedOffByID, after.SignedOffBy, after.UpdatedAt = aims.AssessmentSignedOff, &now, actor.UserID, actor.Label, now
	after.Snapshot = &snap
	b, err := json.Marshal(snap)
	if err != nil {
		return fmt.Errorf("encode snapshot: %w", err)
	}
	res, err := tx.tx.ExecContext(ctx, `
		UPDATE impact_assessments SET status = 'signed_off', signed_off_at = $1, signed_off_by_id = $2, signed_off_by = $3,
			snapshot = $4, updated_at = $1
		WHERE org_id = $5 AND id = $6 AND status = 'draft'`,
		now, after.SignedOffByID, after.SignedOffBy, string(b), scope.OrgID(), before.ID)
	if err != nil {
		return fmt.Errorf("sign off impact assessment: %w", mapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errSignedOff(before)
	}
	return tx.recordUpdate(ctx, scope, aims.EntityImpactAssessment, before.ID, assessmentForAudit(before), assessmentForAudit(after))
}
