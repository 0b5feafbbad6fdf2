package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// FindApprovalSettings returns the organization's approval policy
// (separation of duties on unless an administrator turned it off).
func FindApprovalSettings(ctx context.Context, q Querier, scope aims.Scope) (aims.ApprovalSettings, error) {
	s := aims.ApprovalSettings{SeparationOfDuties: true}
	err := q.queryer().QueryRowContext(ctx, `SELECT separation_of_duties FROM approval_settings WHERE org_id = $1`,
		scope.OrgID()).Scan(&s.SeparationOfDuties)
	if err == sql.ErrNoRows {
		return aims.ApprovalSettings{SeparationOfDuties: true}, nil
	}
	if err != nil {
		return s, fmt.Errorf("approval settings: %w", mapError(err))
	}
	return s, nil
}

// SetApprovalSettings stores the organization's approval policy, sealed
// in the audit trail with what it was before.
func SetApprovalSettings(ctx context.Context, tx *Tx, scope aims.Scope, s aims.ApprovalSettings) error {
	before, err := FindApprovalSettings(ctx, tx, scope)
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `INSERT INTO approval_settings (org_id, separation_of_duties) VALUES ($1, $2)
		ON CONFLICT (org_id) DO UPDATE SET separation_of_duties = excluded.separation_of_duties`,
		scope.OrgID(), s.SeparationOfDuties); err != nil {
		return fmt.Errorf("approval settings: %w", mapError(err))
	}
	return tx.recordUpdate(ctx, scope, "approval_settings", scope.OrgID(), before, s)
}
