package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/ledger"
)

// record is the single write path's last step: every create, update and
// delete in aims calls it in the transaction that makes the change, so the
// change and its audit event commit together or not at all. before and
// after are the record as the API shows it (nil for none).
func (tx *Tx) record(ctx context.Context, scope aims.Scope, action aims.AuditAction, entityType, entityID, label string, before, after any) error {
	return tx.recordAll(ctx, scope, []auditChange{{action, entityType, entityID, label, before, after}})
}

// auditChange is one change for recordAll.
type auditChange struct {
	action                      aims.AuditAction
	entityType, entityID, label string
	before, after               any
}

// auditInsertColumns are the columns recordAll writes, 14 of them.
const auditInsertColumns = `id, org_id, occurred_at, actor_kind, actor_user_id, actor_token_id, actor_label,
	action, entity_type, entity_id, entity_label, before_json, after_json, request_id`

// recordAll is record for many changes made in one statement (an import):
// their events are written in multi-row statements and each is sealed,
// in order, like record's.
func (tx *Tx) recordAll(ctx context.Context, scope aims.Scope, changes []auditChange) error {
	actor := scope.Actor()
	requestID := aims.RequestIDFrom(ctx)
	args := make([]any, 0, 14*len(changes))
	leaves := make([]Leaf, 0, len(changes))
	for _, c := range changes {
		b, err := auditJSON(c.before)
		if err != nil {
			return fmt.Errorf("audit %s %s: %w", c.entityType, c.entityID, err)
		}
		a, err := auditJSON(c.after)
		if err != nil {
			return fmt.Errorf("audit %s %s: %w", c.entityType, c.entityID, err)
		}
		ev := aims.AuditEvent{
			ID:          newID(),
			OccurredAt:  tx.now,
			Actor:       actor,
			Action:      c.action,
			EntityType:  c.entityType,
			EntityID:    c.entityID,
			EntityLabel: c.label,
			Before:      b,
			After:       a,
			RequestID:   requestID,
		}
		args = append(args, ev.ID, scope.OrgID(), ev.OccurredAt, string(actor.Kind), actor.UserID, actor.TokenID, actor.Label,
			string(c.action), c.entityType, c.entityID, c.label, nullJSON(b), nullJSON(a), ev.RequestID)
		entry, err := ledger.EncodeAuditEvent(scope.OrgID(), &ev)
		if err != nil {
			return fmt.Errorf("audit %s %s: %w", c.entityType, c.entityID, err)
		}
		leaves = append(leaves, Leaf{Entry: entry, Ref: ev.ID})
	}
	if _, err := tx.insertRows(ctx, "audit_events", auditInsertColumns, 14, args, ""); err != nil {
		if len(changes) == 1 {
			return fmt.Errorf("record audit event for %s %s: %w", changes[0].entityType, changes[0].entityID, err)
		}
		return fmt.Errorf("record %d audit events: %w", len(changes), err)
	}
	// Seal the events: their leaves are appended when the transaction
	// commits, in the same transaction, so no event is acknowledged unsealed.
	for _, l := range leaves {
		tx.queueLeaf(scope.OrgID(), l)
	}
	tx.events += len(changes)
	return nil
}

// recordCreates records the creation of many records of one entity type.
func recordCreates[T aims.Auditable](ctx context.Context, tx *Tx, scope aims.Scope, entityType string, ids []string, after []T) error {
	changes := make([]auditChange, len(after))
	for i, a := range after {
		changes[i] = auditChange{aims.ActionCreate, entityType, ids[i], a.AuditLabel(), nil, a}
	}
	return tx.recordAll(ctx, scope, changes)
}

// recordCreate, recordUpdate and recordDelete name the three kinds of change.
func (tx *Tx) recordCreate(ctx context.Context, scope aims.Scope, entityType, id string, after aims.Auditable) error {
	return tx.record(ctx, scope, aims.ActionCreate, entityType, id, after.AuditLabel(), nil, after)
}

func (tx *Tx) recordUpdate(ctx context.Context, scope aims.Scope, entityType, id string, before, after aims.Auditable) error {
	return tx.record(ctx, scope, aims.ActionUpdate, entityType, id, after.AuditLabel(), before, after)
}

func (tx *Tx) recordDelete(ctx context.Context, scope aims.Scope, entityType, id string, before aims.Auditable) error {
	return tx.record(ctx, scope, aims.ActionDelete, entityType, id, before.AuditLabel(), before, nil)
}

// EventsRecorded says how many audit events this transaction has written;
// tests use it to check that a write was recorded.
func (tx *Tx) EventsRecorded() int { return tx.events }

func auditJSON(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if string(b) == "null" {
		return nil, nil
	}
	return b, nil
}

func nullJSON(b json.RawMessage) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// auditWhere is the filter of FindAuditEvents and its count. Optional times
// come as a flag and a value: an untyped NULL cannot be compared with a
// timestamp on PostgreSQL, and CAST(... AS TIMESTAMP) means a number on SQLite.
const auditWhere = `WHERE org_id = $1
			AND (CAST($2 AS TEXT) IS NULL OR entity_type = $2)
			AND (CAST($3 AS TEXT) IS NULL OR entity_id = $3)
			AND (CAST($4 AS TEXT) IS NULL OR actor_user_id = $4 OR actor_token_id = $4)
			AND (CAST($5 AS TEXT) IS NULL OR action = $5)
			AND (NOT $6 OR occurred_at >= $7)
			AND (NOT $8 OR occurred_at < $9)`

// FindAuditEvents lists an organization's audit events, newest first, with
// the total that match.
func FindAuditEvents(ctx context.Context, q Querier, scope aims.Scope, f aims.AuditFilter) ([]*aims.AuditEvent, int, error) {
	limit, offset := limitOffset(f.Page)
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT `+auditColumns+`, COUNT(*) OVER ()
		FROM audit_events
		`+auditWhere+`
		ORDER BY occurred_at DESC, id DESC
		LIMIT $10 OFFSET $11`,
		scope.OrgID(), opt(f.EntityType), opt(f.EntityID), opt(f.ActorID), opt(f.Action),
		f.Since != nil, timeOrZero(f.Since), f.Until != nil, timeOrZero(f.Until), limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("find audit events: %w", mapError(err))
	}
	defer rows.Close()
	var out []*aims.AuditEvent
	total := 0
	for rows.Next() {
		ev, err := scanAuditEvent(rows, &total)
		if err != nil {
			return nil, 0, fmt.Errorf("scan audit event: %w", err)
		}
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find audit events: %w", err)
	}
	if len(out) == 0 && offset > 0 {
		total, err = countAuditEvents(ctx, q, scope, f)
	}
	return out, total, err
}

// auditColumns are the columns scanAuditEvent reads, in its order.
const auditColumns = `id, occurred_at, actor_kind, actor_user_id, actor_token_id, actor_label, action,
			entity_type, entity_id, entity_label, before_json, after_json, request_id`

// scanAuditEvent reads auditColumns, then extra. Before and after keep the
// exact stored text: the log seals digests of it.
func scanAuditEvent(sc interface{ Scan(...any) error }, extra ...any) (*aims.AuditEvent, error) {
	var ev aims.AuditEvent
	var before, after sql.NullString
	var kind, action string
	if err := sc.Scan(append([]any{&ev.ID, &ev.OccurredAt, &kind, &ev.Actor.UserID, &ev.Actor.TokenID, &ev.Actor.Label, &action,
		&ev.EntityType, &ev.EntityID, &ev.EntityLabel, &before, &after, &ev.RequestID}, extra...)...); err != nil {
		return nil, err
	}
	ev.OccurredAt = ev.OccurredAt.UTC()
	ev.Actor.Kind = aims.ActorKind(kind)
	ev.Action = aims.AuditAction(action)
	if before.Valid {
		ev.Before = json.RawMessage(before.String)
	}
	if after.Valid {
		ev.After = json.RawMessage(after.String)
	}
	return &ev, nil
}

func countAuditEvents(ctx context.Context, q Querier, scope aims.Scope, f aims.AuditFilter) (int, error) {
	var n int
	err := q.queryer().QueryRowContext(ctx, `
		SELECT COUNT(*) FROM audit_events
		`+auditWhere,
		scope.OrgID(), opt(f.EntityType), opt(f.EntityID), opt(f.ActorID), opt(f.Action),
		f.Since != nil, timeOrZero(f.Since), f.Until != nil, timeOrZero(f.Until)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count audit events: %w", mapError(err))
	}
	return n, nil
}
