package store

import (
	"context"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// register names the table of a plain register (suppliers, datasets, and
// the registers to come) for the write helpers every register shares: a
// taken name is a conflict on the name field, a missing row is not found,
// and a row that others still name is a refused delete. Each register
// keeps its own SQL literals; these helpers only run them and turn the
// database's answer into a kind.
type register struct {
	table  string // "suppliers"
	noun   string // "supplier", in messages
	entity string // the audit trail's entity type, aims.EntitySupplier
	field  string // the field a taken name is reported on; "" is "name"
}

// writeError turns a failed insert or update of the record named name into
// a kind: a unique violation is a conflict on the name field.
func (g register) writeError(err error, name string) error {
	if isUniqueViolation(err) {
		field := g.field
		if field == "" {
			field = "name"
		}
		return &aims.Error{Kind: aims.KindConflict, Message: fmt.Sprintf("a %s named %q already exists", g.noun, name),
			Fields: []aims.FieldError{{Field: field, Detail: "is already used by another " + g.noun}}}
	}
	return fmt.Errorf("write %s %q: %w", g.noun, name, mapError(err))
}

// insert runs an INSERT of the record named name.
func (g register) insert(ctx context.Context, tx *Tx, name, query string, args ...any) error {
	if _, err := tx.tx.ExecContext(ctx, query, args...); err != nil {
		return g.writeError(err, name)
	}
	return nil
}

// update runs an UPDATE of one record named name; no row changed means
// the record is gone.
func (g register) update(ctx context.Context, tx *Tx, name, query string, args ...any) error {
	res, err := tx.tx.ExecContext(ctx, query, args...)
	if err != nil {
		return g.writeError(err, name)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return aims.ErrNotFound(g.noun)
	}
	return nil
}

// one reads the answer of a query for one record: no row is not found.
func (g register) one(err error) error {
	if err != nil {
		return notFound(err, g.noun)
	}
	return nil
}

// remove deletes the organization's record id and records the deletion;
// while another row references it the delete is refused with refusal,
// which tells the person what to change first.
func (g register) remove(ctx context.Context, tx *Tx, scope aims.Scope, before aims.Auditable, id, refusal string) error {
	_, err := tx.tx.ExecContext(ctx, `DELETE FROM `+g.table+` WHERE org_id = $1 AND id = $2`, scope.OrgID(), id)
	if classify(err) == classForeignKey {
		return &aims.Error{Kind: aims.KindConflict, Message: refusal}
	}
	if err != nil {
		return fmt.Errorf("delete %s: %w", g.noun, mapError(err))
	}
	return tx.recordDelete(ctx, scope, g.entity, id, before)
}
