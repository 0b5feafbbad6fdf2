package store

import "context"

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
