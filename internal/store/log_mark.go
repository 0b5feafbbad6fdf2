package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/ledger"
)

// A log's mark (log_marks, kept apart from the log's own tables) records
// that an organization's log was opened, which log is current and how many
// it has had. A log whose tables were emptied is thereby told from a log
// never opened: only the second is created on first use; the first is
// refused until 'aims log rebuild' starts a new one (docs/ledger.md,
// "Rebuilding a log").

// LogMark is an organization's mark.
type LogMark struct {
	OrgID      string
	LogID      int64
	Generation int
	// OpenedAt is nil for an organization whose events predate the log,
	// whose log may still be created (sealing them).
	OpenedAt *time.Time
}

// FindLogMarks returns every organization's mark, by organization id.
func FindLogMarks(ctx context.Context, q Querier) (map[string]*LogMark, error) {
	rows, err := q.queryer().QueryContext(ctx, `SELECT org_id, log_id, generation, opened_at FROM log_marks`)
	if err != nil {
		return nil, fmt.Errorf("read log marks: %w", mapError(err))
	}
	defer rows.Close()
	out := map[string]*LogMark{}
	for rows.Next() {
		m, err := scanLogMark(rows)
		if err != nil {
			return nil, fmt.Errorf("read log marks: %w", err)
		}
		out[m.OrgID] = m
	}
	return out, rows.Err()
}

func scanLogMark(row interface{ Scan(...any) error }) (*LogMark, error) {
	var m LogMark
	var opened sql.NullTime
	if err := row.Scan(&m.OrgID, &m.LogID, &m.Generation, &opened); err != nil {
		return nil, err
	}
	if opened.Valid {
		t := opened.Time.UTC()
		m.OpenedAt = &t
	}
	return &m, nil
}

// LogFacts is what the start of 'aims serve' and 'aims log check' read of
// one organization to tell whether its log is whole: its head, its mark,
// whether it has records to seal, and whether the head's first and last
// leaves and a checkpoint are stored.
type LogFacts struct {
	OrgID, Slug    string
	Head           *LogHead // nil: no head
	Mark           *LogMark // nil: no mark
	AuditEvents    bool
	Decisions      bool
	FirstLeaf      bool
	LastLeaf       bool
	HasCheckpoints bool
}

// ReadLogFacts reads the facts of every organization's log. It reads
// across tenants, for aims' own checks.
func ReadLogFacts(ctx context.Context, q Querier) ([]*LogFacts, error) {
	orgs, err := ListOrganizations(ctx, q)
	if err != nil {
		return nil, err
	}
	heads, err := ListLogHeads(ctx, q)
	if err != nil {
		return nil, err
	}
	byOrg := map[string]*LogHead{}
	for _, h := range heads {
		byOrg[h.OrgID] = h
	}
	marks, err := FindLogMarks(ctx, q)
	if err != nil {
		return nil, err
	}
	db := q.queryer()
	exists := func(query string, args ...any) (bool, error) {
		var n int
		err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (`+query+` LIMIT 1) x`, args...).Scan(&n)
		if err != nil {
			return false, fmt.Errorf("read log facts: %w", mapError(err))
		}
		return n > 0, nil
	}
	var out []*LogFacts
	for _, o := range orgs {
		f := &LogFacts{OrgID: o.ID, Slug: o.Slug, Head: byOrg[o.ID], Mark: marks[o.ID]}
		if f.AuditEvents, err = exists(`SELECT 1 FROM audit_events WHERE org_id = $1`, o.ID); err != nil {
			return nil, err
		}
		if f.Decisions, err = exists(`SELECT 1 FROM decisions WHERE org_id = $1`, o.ID); err != nil {
			return nil, err
		}
		if h := f.Head; h != nil {
			if f.FirstLeaf, err = exists(`SELECT 1 FROM log_leaves WHERE log_id = $1 AND idx = 0`, h.LogID); err != nil {
				return nil, err
			}
			if f.LastLeaf, err = exists(`SELECT 1 FROM log_leaves WHERE log_id = $1 AND idx = $2`, h.LogID, int64(h.Size)-1); err != nil {
				return nil, err
			}
			if f.HasCheckpoints, err = exists(`SELECT 1 FROM log_checkpoints WHERE log_id = $1`, h.LogID); err != nil {
				return nil, err
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// RefuseLog makes every write to the organization's log fail with reason
// (an unavailable error: 503 problem+json), so that nothing is sealed in
// a log found broken; reads go on. AllowLog lifts it.
func (db *DB) RefuseLog(orgID, reason string) { db.refusedLogs.Store(orgID, reason) }

// AllowLog lifts RefuseLog.
func (db *DB) AllowLog(orgID string) { db.refusedLogs.Delete(orgID) }

// LogRefusal returns why the organization's log is refused, or "".
func (db *DB) LogRefusal(orgID string) string {
	if r, ok := db.refusedLogs.Load(orgID); ok {
		return r.(string)
	}
	return ""
}

// LogRefusedError is the error of a write to a refused log.
func LogRefusedError(reason string) error {
	return &aims.Error{Kind: aims.KindUnavailable,
		Message: "the tamper-evident log of this organization is broken, so aims records no changes in it: " + reason +
			". An operator checks it with 'aims log check' and, once the cause is known, starts a new log with 'aims log rebuild --org SLUG --reason TEXT' on the host"}
}

// mayOpenLog is called before a log is created on first use: it refuses
// when the organization's log was opened before (its head is gone), or
// when records that a log should seal exist without a mark (the mark
// went with the log). pending is how many audit events this transaction
// has recorded for the organization.
func (tx *Tx) mayOpenLog(ctx context.Context, orgID string, pending int) error {
	m, err := scanLogMark(tx.tx.QueryRowContext(ctx, `SELECT org_id, log_id, generation, opened_at FROM log_marks WHERE org_id = $1`, orgID))
	switch {
	case err == nil && m.OpenedAt != nil:
		return LogRefusedError(fmt.Sprintf("its log (log %d, opened %s) has no head any more: the log's tables were changed",
			m.LogID, m.OpenedAt.Format(time.RFC3339)))
	case err == nil:
		return nil // events from before the log: seal them
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("read log mark: %w", mapError(err))
	}
	var events int
	if err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM audit_events WHERE org_id = $1 LIMIT $2) x`,
		orgID, pending+1).Scan(&events); err != nil {
		return fmt.Errorf("count audit events: %w", mapError(err))
	}
	var decisions int
	if err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM decisions WHERE org_id = $1 LIMIT 1) x`,
		orgID).Scan(&decisions); err != nil {
		return fmt.Errorf("count decisions: %w", mapError(err))
	}
	if events > pending || decisions > 0 {
		return LogRefusedError("it has audit events or decisions but neither a log nor the mark that one was opened: the log's tables were changed")
	}
	return nil
}

// createLogHead inserts a new head for the organization and returns
// whether this transaction created it. On SQLite the log id is chosen past
// every id any log table holds, so a new log never takes over rows left
// by a removed one (PostgreSQL's identity never reuses an id).
func (tx *Tx) createLogHead(ctx context.Context, orgID string) (bool, error) {
	var res sql.Result
	var err error
	if tx.db.dialect == SQLite {
		res, err = tx.tx.ExecContext(ctx, `INSERT INTO log_heads (log_id, org_id, size, root, edge, updated_at)
			SELECT 1 + MAX(COALESCE((SELECT MAX(log_id) FROM log_heads), 0), COALESCE((SELECT MAX(log_id) FROM log_leaves), 0),
				COALESCE((SELECT MAX(log_id) FROM log_checkpoints), 0), COALESCE((SELECT MAX(log_id) FROM log_marks), 0)), $1, 0, $2, $3, $4
			ON CONFLICT (org_id) DO NOTHING`, orgID, ledger.EmptyRoot(), []byte{}, tx.now)
	} else {
		res, err = tx.tx.ExecContext(ctx, `INSERT INTO log_heads (org_id, size, root, edge, updated_at) VALUES ($1, 0, $2, $3, $4)
			ON CONFLICT (org_id) DO NOTHING`, orgID, ledger.EmptyRoot(), []byte{}, tx.now)
	}
	if err != nil {
		return false, fmt.Errorf("create log head: %w", mapError(err))
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// markLogOpened records that the organization's log logID is open, in
// generation (0 keeps the mark's).
func (tx *Tx) markLogOpened(ctx context.Context, orgID string, logID int64, generation int) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO log_marks (org_id, log_id, generation, opened_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (org_id) DO UPDATE SET log_id = excluded.log_id, opened_at = excluded.opened_at,
			generation = CASE WHEN CAST($5 AS INTEGER) > 0 THEN excluded.generation ELSE log_marks.generation END`,
		orgID, logID, max(generation, 1), tx.now, generation)
	if err != nil {
		return fmt.Errorf("mark the log opened: %w", mapError(err))
	}
	return nil
}

// FindLogMark returns the organization's mark; nil when it has none.
func FindLogMark(ctx context.Context, q Querier, orgID string) (*LogMark, error) {
	m, err := scanLogMark(q.queryer().QueryRowContext(ctx, `SELECT org_id, log_id, generation, opened_at FROM log_marks WHERE org_id = $1`, orgID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read log mark: %w", mapError(err))
	}
	return m, nil
}
