package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// The helpers every writing transaction uses: statements prepared once
// (exec, queryRow), multi-row inserts in a few fixed sizes (insertRows)
// and PostgreSQL's COPY for many rows (copyRows). Tx itself, Transact and
// the sealing of the logs at commit are in db.go and ledger.go.

// insertChunks are the row counts of the multi-row INSERTs insertRows
// runs: a few fixed sizes, so that each statement is parsed once per
// connection and then reused (parsing a statement of hundreds of
// parameters costs as much as running it).
var insertChunks = []int{128, 16, 1}

// insertChunksPostgres are PostgreSQL's, for what does not go through
// COPY (fewer than copyMinRows rows, or an ON CONFLICT clause): every
// statement is a round trip to the server, so few of them (at most 1,000
// rows of 18 columns: well under the protocol's 65,535 parameters).
var insertChunksPostgres = []int{1000, 100, 10, 5, 2, 1}

// insertRows inserts rows of cols values (args, row after row) into table,
// with suffix (an ON CONFLICT clause) after each VALUES list, and says how
// many rows it inserted.
func (tx *Tx) insertRows(ctx context.Context, table, columns string, cols int, args []any, suffix string) (int, error) {
	n, err := tx.insertRowsRaw(ctx, table, columns, cols, args, suffix)
	return n, mapError(err)
}

// copyMinRows is the fewest rows PostgreSQL takes through COPY rather
// than multi-row INSERTs: COPY skips parsing and planning a statement of
// thousands of parameters (aims bench log, batches of 1,000: 46,093 -> 73,672
// leaves/s) and takes two round trips whatever the number of rows, where
// 35 rows took 8 INSERTs (10, 10, 10 and five of 1).
const copyMinRows = 10

// insertRowsRaw is insertRows returning the driver's error as it is.
func (tx *Tx) insertRowsRaw(ctx context.Context, table, columns string, cols int, args []any, suffix string) (int, error) {
	if tx.conn != nil && suffix == "" && len(args)/cols >= copyMinRows {
		return tx.copyRows(ctx, table, columns, cols, args)
	}
	inserted := 0
	local := map[string]*sql.Stmt{}
	for len(args) > 0 {
		rows := len(args) / cols
		n := 1
		chunks := insertChunks
		if tx.db.dialect == Postgres {
			chunks = insertChunksPostgres
		}
		for _, c := range chunks {
			if rows >= c {
				n = c
				break
			}
		}
		query := tx.insertSQL(table, columns, cols, n) + suffix
		var res sql.Result
		var err error
		if stmt := tx.db.prepared(query); stmt != nil {
			res, err = tx.tx.StmtContext(ctx, stmt).ExecContext(ctx, args[:n*cols]...)
		} else if stmt := local[query]; stmt != nil || rows >= 2*n && tx.db.dialect == SQLite {
			// Not prepared on the database handle yet, and run again in
			// this call (an import of thousands): prepare it once here
			// rather than parse it every time.
			if stmt == nil {
				if stmt, err = tx.tx.PrepareContext(ctx, query); err != nil {
					return inserted, err
				}
				defer stmt.Close()
				local[query] = stmt
			}
			res, err = stmt.ExecContext(ctx, args[:n*cols]...)
		} else {
			res, err = tx.tx.ExecContext(ctx, query, args[:n*cols]...)
		}
		if err != nil {
			return inserted, err
		}
		k, err := res.RowsAffected()
		if err != nil {
			return inserted, err
		}
		inserted += int(k)
		args = args[n*cols:]
	}
	return inserted, nil
}

// exec runs query in the transaction through a statement prepared once
// (see prepared): for statements every transaction of a kind runs.
func (tx *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if stmt := tx.db.prepared(query); stmt != nil {
		return tx.tx.StmtContext(ctx, stmt).ExecContext(ctx, args...)
	}
	return tx.tx.ExecContext(ctx, query, args...)
}

// queryRow is exec's QueryRowContext.
func (tx *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if stmt := tx.db.prepared(query); stmt != nil {
		return tx.tx.StmtContext(ctx, stmt).QueryRowContext(ctx, args...)
	}
	return tx.tx.QueryRowContext(ctx, query, args...)
}

// prepared returns the statement query prepared on the writer, kept for
// the life of the database handle: database/sql reuses it in a transaction
// on the same connection (SQLite's single writer). A statement not
// prepared yet is prepared before the next transaction begins (preparing
// it now would wait for the connection this transaction holds); until
// then it returns nil and the caller runs the query as text.
func (db *DB) prepared(query string) *sql.Stmt {
	if db.dialect == Postgres {
		// pgx keeps a statement cache on each connection already; a
		// database/sql statement would be prepared again, and closed, in
		// every transaction on a connection it was not prepared on.
		return nil
	}
	s, loaded := db.stmts.LoadOrStore(query, (*sql.Stmt)(nil))
	if !loaded {
		db.unprepared.Store(true)
	}
	return s.(*sql.Stmt)
}

// prepareWanted prepares the statements prepared has been asked for.
func (db *DB) prepareWanted(ctx context.Context) {
	if !db.unprepared.CompareAndSwap(true, false) {
		return
	}
	db.stmts.Range(func(q, s any) bool {
		if s.(*sql.Stmt) == nil {
			if st, err := db.writer.PrepareContext(ctx, q.(string)); err == nil {
				db.stmts.Store(q, st)
			}
		}
		return true
	})
}

// dialectOf says which database a Querier reads.
func dialectOf(q Querier) Dialect {
	switch v := q.(type) {
	case *DB:
		return v.dialect
	case *Tx:
		return v.db.dialect
	case *Snapshot:
		return v.dialect
	}
	return SQLite
}

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

var insertCache sync.Map // "dialect/table/rows" -> SQL

// insertSQL builds a multi-row INSERT of rows rows of cols columns, and
// remembers it. PostgreSQL gets $N placeholders; SQLite gets plain ?
// (numbered in order), because it looks $N names up in a list, which costs
// quadratic time in a statement of a thousand parameters.
func (tx *Tx) insertSQL(table, columns string, cols, rows int) string {
	// The columns are part of the key: two writers of one table may name
	// different columns (an import and a seed), and must not get each
	// other's statement.
	key := fmt.Sprintf("%s/%s/%s/%d", tx.db.dialect, table, columns, rows)
	if s, ok := insertCache.Load(key); ok {
		return s.(string)
	}
	s := fmt.Sprintf("INSERT INTO %s (%s) VALUES ", table, columns) + placeholders(1, rows, cols, true, "", tx.db.dialect == SQLite)
	insertCache.Store(key, s)
	return s
}
