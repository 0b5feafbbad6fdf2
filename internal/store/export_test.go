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
