package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// CreateRiskAction adds a treatment action to a risk.
func CreateRiskAction(ctx context.Context, tx *Tx, scope aims.Scope, a *aims.TreatmentAction) error {
	a.ID = newID()
	a.CreatedAt, a.UpdatedAt = tx.now, tx.now
	stampAction(a, tx)
	_, err := tx.tx.ExecContext(ctx, `
		INSERT INTO risk_actions (id, org_id, risk_id, title, owner_id, due_date, status, notes, completed_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		a.ID, scope.OrgID(), a.RiskID, a.Title, a.OwnerID, nullDate(a.DueDate), string(a.Status), a.Notes, optTime(a.CompletedAt),
		a.CreatedAt, a.UpdatedAt)
	if err != nil {
		return actionWriteError(err, a)
	}
	return tx.recordCreate(ctx, scope, aims.EntityRiskAction, a.ID, actionForAudit(a))
}

// stampAction records when an action was done, and forgets it when the
// action is reopened.
func stampAction(a *aims.TreatmentAction, tx *Tx) {
	switch {
	case a.Status == aims.ActionDone && a.CompletedAt == nil:
		now := tx.now
		a.CompletedAt = &now
	case a.Status != aims.ActionDone:
		a.CompletedAt = nil
	}
}

func actionForAudit(a *aims.TreatmentAction) *aims.TreatmentAction {
	c := *a
	c.Overdue = false
	return &c
}

func actionWriteError(err error, a *aims.TreatmentAction) error {
	if classify(err) == classForeignKey {
		return &aims.Error{Kind: aims.KindInvalid, Message: "the action's owner is not a member of this organization",
			Fields: []aims.FieldError{{Field: "owner_id", Detail: "is not a member of this organization"}}}
	}
	return fmt.Errorf("write treatment action %q: %w", a.Title, mapError(err))
}

const actionSelect = `
	SELECT a.id, a.risk_id, a.title, a.owner_id, u.name, u.email, a.due_date, a.status, a.notes, a.completed_at,
		a.created_at, a.updated_at, (a.status IN ('planned', 'in_progress') AND a.due_date IS NOT NULL AND a.due_date < $3)
	FROM risk_actions a JOIN users u ON u.id = a.owner_id`

func scanAction(sc scanner) (*aims.TreatmentAction, error) {
	var a aims.TreatmentAction
	var due, done sql.NullTime
	var status string
	if err := sc.Scan(&a.ID, &a.RiskID, &a.Title, &a.OwnerID, &a.OwnerName, &a.OwnerEmail, &due, &status, &a.Notes, &done,
		&a.CreatedAt, &a.UpdatedAt, &a.Overdue); err != nil {
		return nil, err
	}
	a.Status, a.DueDate, a.CompletedAt = aims.ActionStatus(status), scanDate(due), scanTime(done)
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return &a, nil
}

// FindRiskActions lists the treatment actions of a risk by due date.
func FindRiskActions(ctx context.Context, q Querier, scope aims.Scope, riskID string, today aims.Date) ([]*aims.TreatmentAction, error) {
	rows, err := q.queryer().QueryContext(ctx, actionSelect+`
		WHERE a.org_id = $1 AND a.risk_id = $2
		ORDER BY a.due_date IS NULL, a.due_date, a.created_at, a.id`, scope.OrgID(), riskID, today.Time)
	if err != nil {
		return nil, fmt.Errorf("find treatment actions: %w", mapError(err))
	}
	defer rows.Close()
	out := []*aims.TreatmentAction{}
	for rows.Next() {
		a, err := scanAction(rows)
		if err != nil {
			return nil, fmt.Errorf("find treatment actions: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// FindRiskAction returns one action of one risk.
func FindRiskAction(ctx context.Context, q Querier, scope aims.Scope, riskID, id string, today aims.Date) (*aims.TreatmentAction, error) {
	a, err := scanAction(q.queryer().QueryRowContext(ctx, actionSelect+` WHERE a.org_id = $1 AND a.risk_id = $2 AND a.id = $4`,
		scope.OrgID(), riskID, today.Time, id))
	if err != nil {
		return nil, notFound(err, "treatment action")
	}
	return a, nil
}

// UpdateRiskAction writes after over before.
func UpdateRiskAction(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.TreatmentAction) error {
	after.UpdatedAt = tx.now
	stampAction(after, tx)
	res, err := tx.tx.ExecContext(ctx, `
		UPDATE risk_actions SET title = $1, owner_id = $2, due_date = $3, status = $4, notes = $5, completed_at = $6, updated_at = $7
		WHERE org_id = $8 AND risk_id = $9 AND id = $10`,
		after.Title, after.OwnerID, nullDate(after.DueDate), string(after.Status), after.Notes, optTime(after.CompletedAt),
		after.UpdatedAt, scope.OrgID(), before.RiskID, before.ID)
	if err != nil {
		return actionWriteError(err, after)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return aims.ErrNotFound("treatment action")
	}
	return tx.recordUpdate(ctx, scope, aims.EntityRiskAction, before.ID, actionForAudit(before), actionForAudit(after))
}

// DeleteRiskAction removes an action.
func DeleteRiskAction(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.TreatmentAction) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM risk_actions WHERE org_id = $1 AND risk_id = $2 AND id = $3`,
		scope.OrgID(), before.RiskID, before.ID); err != nil {
		return fmt.Errorf("delete treatment action: %w", mapError(err))
	}
	return tx.recordDelete(ctx, scope, aims.EntityRiskAction, before.ID, actionForAudit(before))
}
