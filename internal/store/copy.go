package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// copyRows inserts rows of cols values (args, row after row) into table
// with PostgreSQL's COPY, on the transaction's own connection and so
// inside the transaction.
func (tx *Tx) copyRows(ctx context.Context, table, columns string, cols int, args []any) (int, error) {
	names := strings.Split(columns, ",")
	for i := range names {
		names[i] = strings.TrimSpace(names[i])
	}
	if len(names) != cols || len(args)%cols != 0 {
		return 0, fmt.Errorf("copy into %s: %d columns named, %d given, %d values", table, len(names), cols, len(args))
	}
	var n int64
	err := tx.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("copy into %s: not a pgx connection (%T)", table, dc)
		}
		var err error
		n, err = c.Conn().CopyFrom(ctx, pgx.Identifier{table}, names, &flatRows{args: args, cols: cols, next: -cols})
		return err
	})
	return int(n), err
}

// flatRows is a pgx.CopyFromSource over values laid out row after row.
type flatRows struct {
	args []any
	cols int
	next int // offset of the current row
}

func (r *flatRows) Next() bool {
	r.next += r.cols
	return r.next < len(r.args)
}

func (r *flatRows) Values() ([]any, error) { return r.args[r.next : r.next+r.cols], nil }

func (r *flatRows) Err() error { return nil }
