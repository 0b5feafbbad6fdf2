package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/aimsproject/aims/internal/aims"
)

// The links between records (a dataset's tags, a feature's tags, a model
// version's features): written as a whole list in order, compared by ids,
// and read back as (id, name) pairs.

// writeLinks replaces the links of one record (owner) in a link table with
// refs, in order. A ref to a missing record is an invalid field
// "field/INDEX".
func writeLinks(ctx context.Context, tx *Tx, scope aims.Scope, table, ownerCol, refCol, owner string, refs []aims.LineageRef, field, what string) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE org_id = $1 AND `+ownerCol+` = $2`, scope.OrgID(), owner); err != nil {
		return fmt.Errorf("write %s: %w", table, mapError(err))
	}
	for i, r := range refs {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO `+table+` (org_id, `+ownerCol+`, `+refCol+`, position) VALUES ($1, $2, $3, $4)`,
			scope.OrgID(), owner, r.ID, i)
		switch classify(err) {
		case classForeignKey:
			return &aims.Error{Kind: aims.KindInvalid, Message: "a linked " + what + " does not exist",
				Fields: []aims.FieldError{{Field: fmt.Sprintf("%s/%d", field, i), Detail: "no such " + what}}}
		case classUnique:
			return &aims.Error{Kind: aims.KindInvalid, Message: "a " + what + " is listed twice",
				Fields: []aims.FieldError{{Field: fmt.Sprintf("%s/%d", field, i), Detail: "is listed twice"}}}
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", table, mapError(err))
		}
	}
	return nil
}

// sameRefs reports whether two link lists name the same records in the same
// order.
func sameRefs(a, b []aims.LineageRef) bool { return slices.Equal(aims.RefIDs(a), aims.RefIDs(b)) }

// refs runs a query of (id, name) rows.
func refs(ctx context.Context, q Querier, what, query string, args ...any) ([]aims.LineageRef, error) {
	rows, err := q.queryer().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, mapError(err))
	}
	defer rows.Close()
	out := []aims.LineageRef{}
	for rows.Next() {
		var r aims.LineageRef
		if err := rows.Scan(&r.ID, &r.Name); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
