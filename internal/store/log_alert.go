package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// RaiseLogAlert stores a tamper alert unless the same finding is already
// stored, and reports whether it is new. A new alert is itself an audit
// event, sealed in the log.
func RaiseLogAlert(ctx context.Context, tx *Tx, scope aims.Scope, a *aims.LogAlert) (bool, error) {
	a.ID = newID()
	a.DetectedAt = tx.now
	var leaf any
	if a.LeafIndex != nil {
		leaf = int64(*a.LeafIndex)
	}
	res, err := tx.tx.ExecContext(ctx, `INSERT INTO log_alerts (id, org_id, fingerprint, leaf_index, record_id, detail, detected_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (org_id, fingerprint) DO NOTHING`,
		a.ID, scope.OrgID(), a.Fingerprint, leaf, a.RecordID, a.Detail, a.DetectedAt)
	if err != nil {
		return false, fmt.Errorf("raise log alert: %w", mapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	return true, tx.recordCreate(ctx, scope, aims.EntityLogAlert, a.ID, a)
}

const logAlertColumns = `id, leaf_index, record_id, detail, detected_at, acknowledged_at, acknowledged_by`

func scanLogAlert(sc interface{ Scan(...any) error }, extra ...any) (*aims.LogAlert, error) {
	var a aims.LogAlert
	var leaf sql.NullInt64
	var ack sql.NullTime
	if err := sc.Scan(append([]any{&a.ID, &leaf, &a.RecordID, &a.Detail, &a.DetectedAt, &ack, &a.AcknowledgedBy}, extra...)...); err != nil {
		return nil, err
	}
	if leaf.Valid {
		i := uint64(leaf.Int64)
		a.LeafIndex = &i
	}
	a.DetectedAt = a.DetectedAt.UTC()
	a.AcknowledgedAt = scanTime(ack)
	return &a, nil
}

// FindLogAlerts lists the organization's tamper alerts, newest first; only
// the unacknowledged ones when open is set.
func FindLogAlerts(ctx context.Context, q Querier, scope aims.Scope, open bool, p aims.Page) ([]*aims.LogAlert, int, error) {
	limit, offset := limitOffset(p)
	rows, err := q.queryer().QueryContext(ctx, `SELECT `+logAlertColumns+`, COUNT(*) OVER () FROM log_alerts
		WHERE org_id = $1 AND (NOT $2 OR acknowledged_at IS NULL)
		ORDER BY detected_at DESC, id DESC LIMIT $3 OFFSET $4`, scope.OrgID(), open, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("find log alerts: %w", mapError(err))
	}
	defer rows.Close()
	var out []*aims.LogAlert
	total := 0
	for rows.Next() {
		a, err := scanLogAlert(rows, &total)
		if err != nil {
			return nil, 0, fmt.Errorf("find log alerts: %w", err)
		}
		out = append(out, a)
	}
	return out, total, rows.Err()
}

// CountOpenLogAlerts counts the organization's unacknowledged alerts; the
// layout asks on every page, so it is one indexed count.
func CountOpenLogAlerts(ctx context.Context, q Querier, scope aims.Scope) (int, error) {
	var n int
	err := q.queryer().QueryRowContext(ctx, `SELECT COUNT(*) FROM log_alerts WHERE org_id = $1 AND acknowledged_at IS NULL`,
		scope.OrgID()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count log alerts: %w", mapError(err))
	}
	return n, nil
}

// AcknowledgeLogAlert marks an alert as seen by the actor in scope. The
// finding stays on record, and a check finding it again raises no new alert.
func AcknowledgeLogAlert(ctx context.Context, tx *Tx, scope aims.Scope, id string) (*aims.LogAlert, error) {
	before, err := scanLogAlert(tx.tx.QueryRowContext(ctx, `SELECT `+logAlertColumns+` FROM log_alerts WHERE org_id = $1 AND id = $2`,
		scope.OrgID(), id))
	if err != nil {
		return nil, notFound(err, "alert")
	}
	if before.AcknowledgedAt != nil {
		return nil, aims.Errorf(aims.KindConflict, "the alert is already acknowledged")
	}
	after := *before
	now := tx.now
	after.AcknowledgedAt, after.AcknowledgedBy = &now, scope.Actor().Label
	_, err = tx.tx.ExecContext(ctx, `UPDATE log_alerts SET acknowledged_at = $1, acknowledged_by = $2 WHERE org_id = $3 AND id = $4`,
		now, after.AcknowledgedBy, scope.OrgID(), id)
	if err != nil {
		return nil, fmt.Errorf("acknowledge alert: %w", mapError(err))
	}
	return &after, tx.recordUpdate(ctx, scope, aims.EntityLogAlert, id, before, &after)
}

// FindLogAlertsOfRecords lists the organization's alerts about the given
// records (acknowledged or not), newest first.
func FindLogAlertsOfRecords(ctx context.Context, q Querier, scope aims.Scope, recordIDs []string) ([]*aims.LogAlert, error) {
	out := []*aims.LogAlert{}
	err := eachChunk(recordIDs, func(chunk []string) error {
		args := []any{scope.OrgID()}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := q.queryer().QueryContext(ctx, `SELECT `+logAlertColumns+` FROM log_alerts
			WHERE org_id = $1 AND record_id IN (`+marks(2, len(chunk))+`) ORDER BY detected_at DESC, id DESC`, args...)
		if err != nil {
			return fmt.Errorf("find alerts of records: %w", mapError(err))
		}
		defer rows.Close()
		for rows.Next() {
			a, err := scanLogAlert(rows)
			if err != nil {
				return fmt.Errorf("find alerts of records: %w", err)
			}
			out = append(out, a)
		}
		return rows.Err()
	})
	return out, err
}
