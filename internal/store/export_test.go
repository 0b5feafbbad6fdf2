package store

import (
	"context"
	"time"
)

// TamperForTest runs raw SQL on the writer, as someone with database access
// would; tests use it to check what the database itself refuses.
func TamperForTest(ctx context.Context, db *DB, query string) error {
	_, err := db.writer.ExecContext(ctx, query)
	return err
}

// SQLitePathForTest is the database file of a SQLite DB ("" on PostgreSQL).
func SQLitePathForTest(db *DB) string {
	if db.dialect != SQLite {
		return ""
	}
	return db.label
}

// FoldKeysForTest runs the name-key migration again, as on a database
// whose keys were written by plain lowercasing.
func FoldKeysForTest(ctx context.Context, db *DB) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := foldKeys(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// PragmaForTest reads a SQLite pragma on the writer connection, where a
// per-connection setting (max_page_count, query_only) holds.
func PragmaForTest(ctx context.Context, db *DB, pragma string) (int64, error) {
	var v int64
	err := db.writer.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&v)
	return v, err
}

// ProbeEveryForTest sets how often readiness probes with a write.
func ProbeEveryForTest(d time.Duration) { probeEvery = d }
