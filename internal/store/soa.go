package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// errFrozen is the answer to any change of an approved SoA version.
func errFrozen(n int) error {
	return aims.Errorf(aims.KindConflict, "SoA version %d is approved and frozen: start a new draft to change it", n)
}

// NextSoANumber returns the number the organization's next SoA version gets.
func NextSoANumber(ctx context.Context, q Querier, scope aims.Scope) (int, error) {
	var n int
	err := q.queryer().QueryRowContext(ctx, `SELECT COALESCE(MAX(number), 0) + 1 FROM soa_versions WHERE org_id = $1`, scope.OrgID()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("next SoA number: %w", mapError(err))
	}
	return n, nil
}

// CreateSoAVersion stores a new draft with its rows. Its audit event holds
// the whole draft, rows included.
func CreateSoAVersion(ctx context.Context, tx *Tx, scope aims.Scope, v *aims.SoAVersion) error {
	v.ID = newID()
	v.Status = aims.SoADraft
	v.CreatedAt, v.UpdatedAt = tx.now, tx.now
	_, err := tx.tx.ExecContext(ctx, `
		INSERT INTO soa_versions (id, org_id, number, status, based_on, created_at, created_by, updated_at, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		v.ID, scope.OrgID(), v.Number, string(v.Status), v.BasedOn, v.CreatedAt, v.CreatedBy, v.UpdatedAt, v.Note)
	if isUniqueViolation(err) {
		return aims.Errorf(aims.KindConflict, "a draft of the Statement of Applicability already exists: edit it, or approve it first")
	}
	if err != nil {
		return fmt.Errorf("create SoA version: %w", mapError(err))
	}
	for i, r := range v.Rows {
		r.Position = i
		if err := insertSoARow(ctx, tx, scope, v, r); err != nil {
			return err
		}
	}
	return tx.recordCreate(ctx, scope, aims.EntitySoAVersion, v.ID, v)
}

func insertSoARow(ctx context.Context, tx *Tx, scope aims.Scope, v *aims.SoAVersion, r *aims.SoARow) error {
	r.ID = newID()
	r.UpdatedAt = tx.now
	_, err := tx.tx.ExecContext(ctx, `
		INSERT INTO soa_rows (id, org_id, version_id, framework, requirement_id, applicability, justification, status,
			owner_id, target_date, notes, added, position, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		r.ID, scope.OrgID(), v.ID, r.Framework, r.RequirementID, string(r.Applicability), r.Justification, string(r.Status),
		nullString(r.OwnerID), nullDate(r.TargetDate), r.Notes, r.Added, r.Position, r.UpdatedAt)
	if isUniqueViolation(err) {
		return aims.Errorf(aims.KindConflict, "%s is already in SoA version %d", r.AuditLabel(), v.Number)
	}
	if classify(err) == classForeignKey {
		return &aims.Error{Kind: aims.KindInvalid, Message: "the owner is not a member of this organization",
			Fields: []aims.FieldError{{Field: "owner_id", Detail: "is not a member of this organization"}}}
	}
	if err != nil {
		return fmt.Errorf("store SoA row %s: %w", r.AuditLabel(), mapError(err))
	}
	return nil
}

const soaVersionSelect = `
	SELECT id, number, status, based_on, created_at, created_by, updated_at, approved_at, approved_by_id, approved_by, note
	FROM soa_versions`

func scanSoAVersion(sc interface{ Scan(...any) error }) (*aims.SoAVersion, error) {
	var v aims.SoAVersion
	var status string
	var approved sql.NullTime
	if err := sc.Scan(&v.ID, &v.Number, &status, &v.BasedOn, &v.CreatedAt, &v.CreatedBy, &v.UpdatedAt, &approved,
		&v.ApprovedByID, &v.ApprovedBy, &v.Note); err != nil {
		return nil, err
	}
	v.Status = aims.SoAStatus(status)
	v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
	v.ApprovedAt = scanTime(approved)
	return &v, nil
}

// FindSoAVersions lists the organization's SoA versions, newest first,
// without their rows.
func FindSoAVersions(ctx context.Context, q Querier, scope aims.Scope) ([]*aims.SoAVersion, error) {
	rows, err := q.queryer().QueryContext(ctx, soaVersionSelect+` WHERE org_id = $1 ORDER BY number DESC`, scope.OrgID())
	if err != nil {
		return nil, fmt.Errorf("find SoA versions: %w", mapError(err))
	}
	defer rows.Close()
	out := []*aims.SoAVersion{}
	for rows.Next() {
		v, err := scanSoAVersion(rows)
		if err != nil {
			return nil, fmt.Errorf("find SoA versions: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// FindSoAVersion returns one version with its rows. Number 0 means the
// newest version.
func FindSoAVersion(ctx context.Context, q Querier, scope aims.Scope, number int) (*aims.SoAVersion, error) {
	v, err := scanSoAVersion(q.queryer().QueryRowContext(ctx, soaVersionSelect+`
		WHERE org_id = $1 AND (number = $2 OR ($2 = 0 AND number = (SELECT MAX(number) FROM soa_versions WHERE org_id = $1)))`,
		scope.OrgID(), number))
	if err != nil {
		if number == 0 {
			return nil, notFound(err, "Statement of Applicability (none started yet)")
		}
		return nil, notFound(err, fmt.Sprintf("SoA version %d", number))
	}
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT r.id, r.framework, r.requirement_id, r.applicability, r.justification, r.status, COALESCE(r.owner_id, ''),
			COALESCE(u.name, ''), COALESCE(u.email, ''), r.target_date, r.notes, r.added, r.position, r.updated_at
		FROM soa_rows r LEFT JOIN users u ON u.id = r.owner_id
		WHERE r.org_id = $1 AND r.version_id = $2
		ORDER BY r.position, r.framework, r.requirement_id`, scope.OrgID(), v.ID)
	if err != nil {
		return nil, fmt.Errorf("find SoA rows: %w", mapError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var r aims.SoARow
		var app, status string
		var target sql.NullTime
		if err := rows.Scan(&r.ID, &r.Framework, &r.RequirementID, &app, &r.Justification, &status, &r.OwnerID,
			&r.OwnerName, &r.OwnerEmail, &target, &r.Notes, &r.Added, &r.Position, &r.UpdatedAt); err != nil {
			return nil, fmt.Errorf("find SoA rows: %w", err)
		}
		r.Applicability, r.Status = aims.Applicability(app), aims.ImplementationStatus(status)
		r.TargetDate = scanDate(target)
		r.UpdatedAt = r.UpdatedAt.UTC()
		v.Rows = append(v.Rows, &r)
	}
	return v, rows.Err()
}

// FindLastApprovedSoAVersion returns the newest approved version with its
// rows, or a not-found error.
func FindLastApprovedSoAVersion(ctx context.Context, q Querier, scope aims.Scope) (*aims.SoAVersion, error) {
	var n int
	err := q.queryer().QueryRowContext(ctx, `SELECT COALESCE(MAX(number), 0) FROM soa_versions WHERE org_id = $1 AND status = 'approved'`,
		scope.OrgID()).Scan(&n)
	if err != nil {
		return nil, fmt.Errorf("find approved SoA: %w", mapError(err))
	}
	if n == 0 {
		return nil, aims.ErrNotFound("approved SoA version")
	}
	return FindSoAVersion(ctx, q, scope, n)
}

// UpdateSoARow writes after over before in draft v.
func UpdateSoARow(ctx context.Context, tx *Tx, scope aims.Scope, v *aims.SoAVersion, before, after *aims.SoARow) error {
	if v.Status != aims.SoADraft {
		return errFrozen(v.Number)
	}
	after.UpdatedAt = tx.now
	res, err := tx.tx.ExecContext(ctx, `
		UPDATE soa_rows SET applicability = $1, justification = $2, status = $3, owner_id = $4, target_date = $5, notes = $6, updated_at = $7
		WHERE org_id = $8 AND id = $9 AND version_id = $10`,
		string(after.Applicability), after.Justification, string(after.Status), nullString(after.OwnerID), nullDate(after.TargetDate),
		after.Notes, after.UpdatedAt, scope.OrgID(), before.ID, v.ID)
	if classify(err) == classForeignKey {
		return &aims.Error{Kind: aims.KindInvalid, Message: "the owner is not a member of this organization",
			Fields: []aims.FieldError{{Field: "owner_id", Detail: "is not a member of this organization"}}}
	}
	if err != nil {
		return fmt.Errorf("update SoA row %s: %w", before.AuditLabel(), mapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return aims.ErrNotFound("SoA row")
	}
	if err := touchSoAVersion(ctx, tx, scope, v); err != nil {
		return err
	}
	return tx.recordUpdate(ctx, scope, aims.EntitySoARow, before.ID, before, after)
}

func touchSoAVersion(ctx context.Context, tx *Tx, scope aims.Scope, v *aims.SoAVersion) error {
	_, err := tx.tx.ExecContext(ctx, `UPDATE soa_versions SET updated_at = $1 WHERE org_id = $2 AND id = $3 AND status = 'draft'`,
		tx.now, scope.OrgID(), v.ID)
	if err != nil {
		return fmt.Errorf("touch SoA version: %w", mapError(err))
	}
	v.UpdatedAt = tx.now
	return nil
}

// AddSoARow adds a control from another catalog to draft v.
func AddSoARow(ctx context.Context, tx *Tx, scope aims.Scope, v *aims.SoAVersion, r *aims.SoARow) error {
	if v.Status != aims.SoADraft {
		return errFrozen(v.Number)
	}
	r.Position = len(v.Rows)
	for _, x := range v.Rows {
		if x.Position >= r.Position {
			r.Position = x.Position + 1
		}
	}
	if err := insertSoARow(ctx, tx, scope, v, r); err != nil {
		return err
	}
	if err := touchSoAVersion(ctx, tx, scope, v); err != nil {
		return err
	}
	return tx.recordCreate(ctx, scope, aims.EntitySoARow, r.ID, r)
}

// DeleteSoARow removes an added control from draft v.
func DeleteSoARow(ctx context.Context, tx *Tx, scope aims.Scope, v *aims.SoAVersion, r *aims.SoARow) error {
	if v.Status != aims.SoADraft {
		return errFrozen(v.Number)
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM soa_rows WHERE org_id = $1 AND id = $2 AND version_id = $3`, scope.OrgID(), r.ID, v.ID); err != nil {
		return fmt.Errorf("delete SoA row: %w", mapError(err))
	}
	if err := touchSoAVersion(ctx, tx, scope, v); err != nil {
		return err
	}
	return tx.recordDelete(ctx, scope, aims.EntitySoARow, r.ID, r)
}

// ApproveSoAVersion freezes draft before as after (approver and time set
// here). Only a draft can be approved; a concurrent approval loses with a
// conflict.
func ApproveSoAVersion(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.SoAVersion) error {
	if before.Status != aims.SoADraft {
		return errFrozen(before.Number)
	}
	actor := scope.Actor()
	now := tx.now
	after.Status, after.ApprovedAt, after.ApprovedByID, after.ApprovedBy, after.UpdatedAt = aims.SoAApproved, &now, actor.UserID, actor.Label, now
	res, err := tx.tx.ExecContext(ctx, `
		UPDATE soa_versions SET status = 'approved', approved_at = $1, approved_by_id = $2, approved_by = $3, updated_at = $1, note = $4
		WHERE org_id = $5 AND id = $6 AND status = 'draft'`,
		now, after.ApprovedByID, after.ApprovedBy, after.Note, scope.OrgID(), before.ID)
	if err != nil {
		return fmt.Errorf("approve SoA version %d: %w", before.Number, mapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errFrozen(before.Number)
	}
	return tx.recordUpdate(ctx, scope, aims.EntitySoAVersion, before.ID, before, after)
}
