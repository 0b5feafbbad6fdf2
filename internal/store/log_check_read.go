package store

import (
	"context"
	"fmt"
	"strings"
)

// ReadLeavesForCheck returns the leaves [from, to) of a log with the audit
// events they seal, as FindSealedAuditEvents does, for the log check: the
// leaves in one range read, then their audit events by primary key, so
// that a log of decisions (leaves that name no audit event) reads no
// audit columns at all.
func ReadLeavesForCheck(ctx context.Context, q Querier, head *LogHead, from, to uint64) ([]*SealedAuditEvent, error) {
	rows, err := q.queryer().QueryContext(ctx, `SELECT idx, hash, entry, ref FROM log_leaves
		WHERE log_id = $1 AND idx >= $2 AND idx < $3 ORDER BY idx`, head.LogID, int64(from), int64(to))
	if err != nil {
		return nil, fmt.Errorf("read log leaves: %w", mapError(err))
	}
	out := make([]*SealedAuditEvent, 0, to-from)
	byRef := map[string]*SealedAuditEvent{}
	for rows.Next() {
		var s SealedAuditEvent
		var idx int64
		if err := rows.Scan(&idx, &s.Hash, &s.Entry, &s.Ref); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read log leaves: %w", err)
		}
		s.Index = uint64(idx)
		out = append(out, &s)
		if s.Ref != "" {
			byRef[s.Ref] = &s
		}
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read log leaves: %w", err)
	}
	refs := make([]string, 0, len(byRef))
	for ref := range byRef {
		refs = append(refs, ref)
	}
	for rest := refs; len(rest) > 0; {
		n := min(len(rest), 500)
		args := make([]any, n)
		for i, id := range rest[:n] {
			args[i] = id
		}
		// By primary key alone (an org_id condition would make SQLite
		// walk the organization's trail); the organization is compared
		// on the rows read.
		rows, err := q.queryer().QueryContext(ctx, `SELECT `+auditColumns+`, org_id FROM audit_events
			WHERE id IN (`+inList(q, n)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("read sealed audit events: %w", mapError(err))
		}
		for rows.Next() {
			var org string
			ev, err := scanAuditEvent(rows, &org)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("read sealed audit events: %w", err)
			}
			if s := byRef[ev.ID]; s != nil && org == head.OrgID {
				s.Event = ev
			}
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read sealed audit events: %w", err)
		}
		rest = rest[n:]
	}
	return out, nil
}

// inList is n placeholders for an IN list of n arguments from $1. SQLite
// finds a numbered parameter by its name, in a list, so that binding
// hundreds of them costs more than reading the rows: there they are
// positional.
func inList(q Querier, n int) string {
	marks := make([]string, n)
	for i := range marks {
		marks[i] = "?"
		if dialectOf(q) == Postgres {
			marks[i] = fmt.Sprintf("$%d", i+1)
		}
	}
	return strings.Join(marks, ",")
}
