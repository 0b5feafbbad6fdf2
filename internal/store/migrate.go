package store

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Migrations are forward-only SQL files, one directory per dialect, applied
// each in its own transaction and recorded in goose_db_version.
//
//go:embed migrations
var migrations embed.FS

// MigrationStatus is one migration and whether it has been applied.
type MigrationStatus struct {
	Version   int64
	Name      string
	Applied   bool
	AppliedAt time.Time
}

func (db *DB) migrator(ctx context.Context) (*goose.Provider, error) {
	dir := "migrations/sqlite"
	dialect := goose.DialectSQLite3
	var opts []goose.ProviderOption
	if db.dialect == Postgres {
		dir = "migrations/postgres"
		dialect = goose.DialectPostgres
		// A session-level advisory lock: of several replicas starting
		// together, one migrates and the others wait, then find nothing
		// to do.
		// The lock id is derived from the database and schema, so that
		// separate schemas (the tests use one each) do not wait on each other.
		var where string
		if err := db.writer.QueryRowContext(ctx, "SELECT current_database() || '.' || current_schema()").Scan(&where); err != nil {
			return nil, fmt.Errorf("migration lock: %w", err)
		}
		h := fnv.New64a()
		h.Write([]byte("aims-migrate:" + where))
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64()>>1)), lock.WithLockTimeout(1, 300))
		if err != nil {
			return nil, fmt.Errorf("migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	sub, err := fs.Sub(migrations, dir)
	if err != nil {
		return nil, err
	}
	// Capabilities are developed side by side, each in its own range of
	// migration numbers (foundation 1-9, catalogs 10-19, risk 20-29, ledger
	// 30-39, decisions 40-49); their tables are independent, so a lower
	// number landing after a higher one is applied rather than refused.
	opts = append(opts, goose.WithDisableGlobalRegistry(true), goose.WithAllowOutofOrder(true),
		goose.WithGoMigrations(foldKeysMigration()))
	return goose.NewProvider(dialect, db.writer, sub, opts...)
}

// Migrate applies every pending migration and returns how many ran.
func (db *DB) Migrate(ctx context.Context) (int, error) {
	p, err := db.migrator(ctx)
	if err != nil {
		return 0, err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrate %s: %w", db, err)
	}
	for _, r := range results {
		slog.InfoContext(ctx, "applied migration", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
	}
	return len(results), nil
}

// MigrationStatuses lists every migration known to this binary and whether
// the database has it.
func (db *DB) MigrationStatuses(ctx context.Context) ([]MigrationStatus, error) {
	p, err := db.migrator(ctx)
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration status of %s: %w", db, err)
	}
	out := make([]MigrationStatus, len(st))
	for i, s := range st {
		name := s.Source.Path
		if name == "" && s.Source.Version == foldKeysVersion {
			name = "00080_fold_name_keys (Go)" // a Go migration has no file
		}
		out[i] = MigrationStatus{Version: s.Source.Version, Name: name, Applied: s.State == goose.StateApplied, AppliedAt: s.AppliedAt}
	}
	return out, nil
}
