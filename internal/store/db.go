// Package store keeps every record of aims in SQLite (the embedded default)
// or PostgreSQL (for scale-out). It holds all SQL of the program: no other
// package imports database/sql (an architecture test checks it).
//
// Reads take a Querier (a *DB or a *Tx); writes take a *Tx, and every write
// records an audit event in the same transaction through Tx.record, the
// single write path that the tamper-evident log seals.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Dialect names the database in use.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open database. On SQLite it keeps one writer connection (SQLite
// has one writer at a time; queueing in Go is cheaper than SQLITE_BUSY) and
// a pool of readers; on PostgreSQL one pool serves both.
type DB struct {
	dialect Dialect
	writer  *sql.DB
	reader  *sql.DB
	pool    *pgxpool.Pool // PostgreSQL only
	label   string        // where the data lives, for logs; no secrets
	now     func() time.Time
	// unsealed skips the tamper-evident log; only `aims bench log` sets
	// it, to measure what sealing costs.
	unsealed   bool
	stmts      sync.Map      // SQL text -> *sql.Stmt prepared on the writer (nil: wanted)
	unprepared atomic.Bool   // some statement in stmts waits to be prepared
	tagSets    sync.Map      // "org\x00tags" -> decision tag set id, once committed
	sources    sync.Map      // "org\x00system\x00source" -> decision source id, once committed
	recentKeys recentCounts  // decision keys added to decision_recent_keys, by organization
	ckpt       *checkpointer // SQLite only: background WAL checkpoints
	// refusedLogs holds, by organization, why its log takes no writes
	// (RefuseLog): a log found broken or not the one configured.
	refusedLogs sync.Map
	health      writeHealth // whether writes succeed (WriteReady)
}

// Options says where the data lives.
type Options struct {
	// DatabaseURL selects PostgreSQL when it starts with postgres:// or
	// postgresql://. Empty means SQLite in DataDir.
	DatabaseURL string
	// DataDir holds aims.db when SQLite is used.
	DataDir string
	// SQLitePath overrides the SQLite file (tests use a temp file).
	SQLitePath string
	// Unsealed writes audit events without sealing them into the
	// tamper-evident log. For benchmarks that measure the cost of sealing
	// only: never for data anyone relies on.
	Unsealed bool
}

// Open opens the database named by opts. It does not migrate: call Migrate.
func Open(ctx context.Context, opts Options) (*DB, error) {
	if u := opts.DatabaseURL; u != "" {
		if !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
			return nil, fmt.Errorf("database URL must start with postgres:// or postgresql:// (leave it empty for the embedded SQLite database)")
		}
		db, err := openPostgres(ctx, u)
		if db != nil {
			db.unsealed = opts.Unsealed
		}
		return db, err
	}
	path := opts.SQLitePath
	if path == "" {
		if opts.DataDir == "" {
			return nil, errors.New("no data directory and no database URL given")
		}
		if err := os.MkdirAll(opts.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		path = filepath.Join(opts.DataDir, "aims.db")
	}
	db, err := openSQLite(ctx, path)
	if db != nil {
		db.unsealed = opts.Unsealed
	}
	return db, err
}

// sqlitePragmas are set per connection through the DSN: WAL with full sync
// so that an acknowledged write survives a crash, a busy timeout, foreign
// keys, BEGIN IMMEDIATE so that read-then-write transactions do not fail
// with SQLITE_BUSY, times stored in a form SQLite's date functions read,
// and temporary storage in memory: a statement that may fail halfway (a
// multi-row INSERT) journals every page it changes so that it can be
// undone alone, and that journal spilled to a temporary file past 64 KiB
// (a system call per page; the durable WAL is not affected). secure_delete
// overwrites deleted content with zeros, so that an erased decision
// payload does not stay readable in free space (ScrubAfterErasure).
const sqlitePragmas = "_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=temp_store(MEMORY)&_pragma=secure_delete(1)&_txlock=immediate&_time_format=sqlite"

func openSQLite(ctx context.Context, path string) (*DB, error) {
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + sqlitePragmas
	writer, err := sql.Open("sqlite", dsn+fmt.Sprintf("&_pragma=wal_autocheckpoint(%d)", walBackstopPages))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetConnMaxIdleTime(0)
	reader, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	reader.SetMaxOpenConns(sqliteReaders)
	reader.SetMaxIdleConns(sqliteReaders)
	db := &DB{dialect: SQLite, writer: writer, reader: reader, label: path, now: time.Now}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if db.ckpt, err = startCheckpointer(dsn); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return db, nil
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse database URL: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	sdb := stdlib.OpenDBFromPool(pool)
	label := fmt.Sprintf("postgres://%s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
	db := &DB{dialect: Postgres, writer: sdb, reader: sdb, pool: pool, label: label, now: time.Now}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s: %w", label, err)
	}
	return db, nil
}

// Dialect reports which database is in use.
func (db *DB) Dialect() Dialect { return db.dialect }

// String names where the data lives, without credentials.
func (db *DB) String() string { return string(db.dialect) + " " + db.label }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.writer.PingContext(ctx); err != nil {
		return err
	}
	if db.reader != db.writer {
		return db.reader.PingContext(ctx)
	}
	return nil
}

// sqliteReaders is the size of the SQLite reader pool.
const sqliteReaders = 8

// WarmReaders opens every connection of the SQLite reader pool and has
// each read the schema once, so that the first requests after a start do
// not each pay for it: a new connection parses the whole schema on its
// first statement, several milliseconds with this many tables, and
// gateways asking at once after a start opened them all together (issue
// 17's p99). PostgreSQL's pool needs nothing.
func (db *DB) WarmReaders(ctx context.Context) error {
	if db.dialect != SQLite {
		return nil
	}
	conns := make([]*sql.Conn, 0, sqliteReaders)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range sqliteReaders {
		c, err := db.reader.Conn(ctx)
		if err != nil {
			return fmt.Errorf("open a reader: %w", err)
		}
		conns = append(conns, c)
		var n int
		if err := c.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master`).Scan(&n); err != nil {
			return fmt.Errorf("read the schema: %w", err)
		}
	}
	return nil
}

// Close closes every connection.
func (db *DB) Close() error {
	db.stmts.Range(func(_, s any) bool {
		if st := s.(*sql.Stmt); st != nil {
			st.Close()
		}
		return true
	})
	var err error
	if db.ckpt != nil {
		err = db.ckpt.close()
	}
	err = errors.Join(err, db.writer.Close())
	if db.reader != db.writer {
		err = errors.Join(err, db.reader.Close())
	}
	if db.pool != nil {
		db.pool.Close()
	}
	return err
}

// SetClock replaces the clock; tests use it to make times predictable.
func (db *DB) SetClock(now func() time.Time) { db.now = now }

// Now returns the current time as stored: UTC, truncated to microseconds
// (PostgreSQL keeps microseconds; hashing a time must give one answer on
// both databases).
func (db *DB) Now() time.Time { return db.now().UTC().Truncate(time.Microsecond) }

type clockKey struct{}

// WithClock returns ctx in which each transaction takes its time from now
// instead of the database's clock: for a loader that replays a history
// (the demo organization, whose records tell a story over past months),
// never for a request, whose time is always the clock's. The times are
// recorded as given, audit events included; the log still seals the events
// in the order they were written.
func WithClock(ctx context.Context, now func() time.Time) context.Context {
	return context.WithValue(ctx, clockKey{}, now)
}

// nowFor is the time of a transaction run with ctx.
func (db *DB) nowFor(ctx context.Context) time.Time {
	if now, ok := ctx.Value(clockKey{}).(func() time.Time); ok && now != nil {
		return now().UTC().Truncate(time.Microsecond)
	}
	return db.Now()
}

// queryer is what *sql.DB, *sql.Conn and *sql.Tx have in common.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Querier is a *DB or a *Tx. Reads accept either, so that they compose
// inside a transaction; only package store can look inside.
type Querier interface {
	queryer() queryer
}

func (db *DB) queryer() queryer { return db.reader }

// Tx is a transaction. Every write in it carries the same time, and every
// write records its audit event through it.
type Tx struct {
	tx      *sql.Tx
	conn    *sql.Conn // the connection of tx, on PostgreSQL
	db      *DB
	now     time.Time
	events  int
	afterFn []func()
	seal    sealer
}

func (tx *Tx) queryer() queryer { return tx.tx }

// Now is the time of every write in this transaction.
func (tx *Tx) Now() time.Time { return tx.now }

// Dialect reports which database is in use.
func (tx *Tx) Dialect() Dialect { return tx.db.dialect }

// AfterCommit runs fn once the transaction has committed (to notify, never
// to write).
func (tx *Tx) AfterCommit(fn func()) { tx.afterFn = append(tx.afterFn, fn) }

// maxAttempts bounds how often Transact retries a transaction that lost a
// race (PostgreSQL serialization failure or deadlock, SQLite busy).
const maxAttempts = 5

// Transact runs fn in a transaction and commits it when fn returns nil. A
// transaction that failed on a transient conflict is retried from the start,
// so fn must not have effects outside the transaction.
func (db *DB) Transact(ctx context.Context, fn func(tx *Tx) error) error {
	var err error
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		err = db.transactOnce(ctx, fn)
		db.health.noteWrite(err)
		if se := storageError(err); se != nil {
			// Whichever statement met it, a storage fault is named as
			// one, not a generic failure.
			return se
		}
		if err == nil || !isRetryable(err) || ctx.Err() != nil {
			return err
		}
		slog.DebugContext(ctx, "retrying transaction", "attempt", attempt, "err", err)
		time.Sleep(time.Duration(attempt*attempt)*5*time.Millisecond + time.Duration(rand.IntN(5))*time.Millisecond)
	}
	return err
}

func (db *DB) transactOnce(ctx context.Context, fn func(tx *Tx) error) (err error) {
	db.prepareWanted(ctx)
	// On PostgreSQL the transaction keeps its connection in hand, so that
	// large inserts can use COPY on it (copyRows).
	var conn *sql.Conn
	var stx *sql.Tx
	if db.dialect == Postgres {
		if conn, err = db.writer.Conn(ctx); err != nil {
			return fmt.Errorf("begin transaction: %w", mapError(err))
		}
		defer conn.Close() // after the commit or rollback below
		stx, err = conn.BeginTx(ctx, nil)
	} else {
		stx, err = db.writer.BeginTx(ctx, nil)
	}
	if err != nil {
		return fmt.Errorf("begin transaction: %w", mapError(err))
	}
	tx := &Tx{tx: stx, conn: conn, db: db, now: db.nowFor(ctx)}
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = stx.Rollback()
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.sealLogs(ctx); err != nil {
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", mapError(err))
	}
	for _, f := range tx.afterFn {
		f()
	}
	return nil
}

// Collectors returns Prometheus collectors of the connection pools.
func (db *DB) Collectors() []prometheus.Collector {
	cs := []prometheus.Collector{collectors.NewDBStatsCollector(db.writer, "writer")}
	if db.reader != db.writer {
		cs = append(cs, collectors.NewDBStatsCollector(db.reader, "reader"))
	}
	return cs
}
