package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
)

// Snapshot is a read-only view of the database as it was at one moment:
// every read through it sees the same committed state, whatever commits
// meanwhile. The log check reads through one, so that a decision or an
// audit event committed while it runs is either wholly in what it reads
// (leaf, head and row) or wholly absent.
type Snapshot struct {
	q       queryer
	dialect Dialect
}

func (s *Snapshot) queryer() queryer { return s.q }

// ReadSnapshot runs fn with a Snapshot and ends it (nothing is written).
// On PostgreSQL it is a READ ONLY transaction at REPEATABLE READ (one
// snapshot for the whole transaction); on SQLite a deferred read
// transaction on a read-only connection, whose snapshot of the WAL is
// taken by its first read and kept until it ends (writers go on; the WAL
// is not checkpointed past it meanwhile).
func (db *DB) ReadSnapshot(ctx context.Context, fn func(s *Snapshot) error) error {
	if db.dialect == Postgres {
		tx, err := db.reader.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
		if err != nil {
			return fmt.Errorf("begin read snapshot: %w", mapError(err))
		}
		defer func() { _ = tx.Rollback() }()
		return fn(&Snapshot{q: tx, dialect: db.dialect})
	}
	// The reader pool's connections are query_only, and database/sql's
	// BeginTx would say BEGIN IMMEDIATE (the DSN's _txlock, which takes
	// the write lock): a plain BEGIN on a connection of its own instead.
	conn, err := db.reader.Conn(ctx)
	if err != nil {
		return fmt.Errorf("begin read snapshot: %w", mapError(err))
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN DEFERRED`); err != nil {
		return fmt.Errorf("begin read snapshot: %w", mapError(err))
	}
	defer func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`); err != nil {
			// A connection left inside a transaction must not go back
			// to the pool.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	// The snapshot starts at the first read: take it now, so that fn's
	// reads all see the state of this moment.
	var one int
	if err := conn.QueryRowContext(ctx, `SELECT 1 FROM log_heads LIMIT 1`).Scan(&one); err != nil && err != sql.ErrNoRows {
		return fmt.Errorf("begin read snapshot: %w", mapError(err))
	}
	return fn(&Snapshot{q: conn, dialect: db.dialect})
}
