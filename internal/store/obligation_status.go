package store

import (
	"context"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// FindObligationStatuses lists the obligation statuses set for one AI
// system, by article.
func FindObligationStatuses(ctx context.Context, q Querier, scope aims.Scope, systemID string) (map[string]*aims.ObligationStatus, error) {
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT o.id, o.system_id, o.article, o.status, o.note, COALESCE(o.set_by, ''), COALESCE(u.name, o.set_by_name), o.set_at
		FROM obligation_statuses o
		LEFT JOIN users u ON u.id = o.set_by
		WHERE o.org_id = $1 AND o.system_id = $2`, scope.OrgID(), systemID)
	if err != nil {
		return nil, fmt.Errorf("obligation statuses: %w", mapError(err))
	}
	defer rows.Close()
	out := map[string]*aims.ObligationStatus{}
	for rows.Next() {
		var o aims.ObligationStatus
		var status string
		if err := rows.Scan(&o.ID, &o.SystemID, &o.Article, &status, &o.Note, &o.SetBy, &o.SetByName, &o.SetAt); err != nil {
			return nil, fmt.Errorf("obligation statuses: %w", err)
		}
		o.Status = aims.ObligationState(status)
		o.SetAt = o.SetAt.UTC()
		out[o.Article] = &o
	}
	return out, rows.Err()
}

// SetObligationStatus records o as the status of its article for its
// system, stamped with the actor and the transaction's time: a new row
// when before is nil, else a change of before (read by the caller in the
// same transaction). Either is sealed in the audit trail.
func SetObligationStatus(ctx context.Context, tx *Tx, scope aims.Scope, before, o *aims.ObligationStatus) error {
	actor := scope.Actor()
	o.SetAt, o.SetBy, o.SetByName = tx.now, actor.UserID, actor.Label
	if before == nil {
		o.ID = newID()
		_, err := tx.tx.ExecContext(ctx, `
			INSERT INTO obligation_statuses (id, org_id, system_id, article, status, note, set_by, set_by_name, set_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			o.ID, scope.OrgID(), o.SystemID, o.Article, string(o.Status), o.Note, nullString(o.SetBy), o.SetByName, o.SetAt)
		if err != nil {
			return fmt.Errorf("set the status of %s: %w", o.Article, mapError(err))
		}
		return tx.recordCreate(ctx, scope, aims.EntityObligationStatus, o.ID, o)
	}
	o.ID = before.ID
	res, err := tx.tx.ExecContext(ctx, `
		UPDATE obligation_statuses SET status = $1, note = $2, set_by = $3, set_by_name = $4, set_at = $5
		WHERE org_id = $6 AND id = $7`,
		string(o.Status), o.Note, nullString(o.SetBy), o.SetByName, o.SetAt, scope.OrgID(), o.ID)
	if err != nil {
		return fmt.Errorf("set the status of %s: %w", o.Article, mapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return aims.ErrNotFound("obligation status")
	}
	return tx.recordUpdate(ctx, scope, aims.EntityObligationStatus, o.ID, before, o)
}
