package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Readiness must notice that writes fail: a full disk or a read-only
// database still answers a ping and every read, so /readyz asked the wrong
// question. Two signals answer it, because neither is enough alone:
//
//   - every transaction's outcome: a storage fault in any write marks the
//     database not ready at once, and any later successful commit marks it
//     ready again;
//   - a write probe (one row upserted in write_probe and committed, plus,
//     on SQLite, the headroom left by the disk and max_page_count), run when
//     readiness is asked and the last probe is older than probeEvery. It
//     finds a fault while no one writes, and it finds the recovery once
//     space returns: a load balancer that took the instance out sends no
//     writes that could.
//
// The probe costs one tiny write every few seconds at most.
type writeHealth struct {
	mu       sync.Mutex
	fault    error     // the last storage fault, nil when the last write succeeded
	probedAt time.Time // when the probe last ran
	probing  bool      // a probe runs; others answer from the last outcome
}

// probeEvery bounds how often readiness writes.
var probeEvery = 5 * time.Second

// noteWrite records a transaction's outcome.
func (h *writeHealth) noteWrite(err error) {
	switch {
	case err == nil:
		h.mu.Lock()
		h.fault = nil
		h.mu.Unlock()
	case storageError(err) != nil:
		h.mu.Lock()
		h.fault = err
		h.mu.Unlock()
	}
}

// WriteReady reports whether the database accepts writes: nil, or the
// storage fault (an *aims.Error of kind insufficient_storage or
// unavailable, wrapping the driver's error) that keeps it from doing so.
func (db *DB) WriteReady(ctx context.Context) error {
	h := &db.health
	h.mu.Lock()
	if h.probing || time.Since(h.probedAt) < probeEvery {
		fault := h.fault
		h.mu.Unlock()
		return fault
	}
	h.probing = true
	h.mu.Unlock()

	err := db.probeWrite(ctx)
	h.mu.Lock()
	h.probing = false
	h.probedAt = time.Now()
	switch {
	case err == nil:
		h.fault = nil
	case storageError(err) != nil:
		h.fault = storageError(err)
	}
	fault := h.fault
	h.mu.Unlock()
	if err != nil && storageError(err) == nil {
		return err // not a storage fault (the database is gone): say so
	}
	return fault
}

// probeWrite commits one upserted row, and on SQLite checks the headroom
// that a committed tiny row does not need: free disk space and the page
// limit.
func (db *DB) probeWrite(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("write probe: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO write_probe (id, probed_at) VALUES (1, $1)
		ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at`, db.Now()); err != nil {
		return fmt.Errorf("write probe: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("write probe: %w", err)
	}
	if db.dialect == SQLite {
		return db.sqliteHeadroom(ctx)
	}
	return nil
}

// minHeadroom is the space below which a SQLite database counts as full: a
// write of a few pages (a decision batch, a tile) would fail.
const minHeadroom = 256 << 10

// errNoHeadroom is what a database without headroom reports, as SQLite
// would.
var errNoHeadroom = errors.New("database or disk is full (SQLITE_FULL)")

func (db *DB) sqliteHeadroom(ctx context.Context) error {
	var pageSize, pages, free, maxPages int64
	for _, p := range []struct {
		pragma string
		v      *int64
	}{{"page_size", &pageSize}, {"page_count", &pages}, {"freelist_count", &free}, {"max_page_count", &maxPages}} {
		if err := db.writer.QueryRowContext(ctx, "PRAGMA "+p.pragma).Scan(p.v); err != nil {
			return fmt.Errorf("write probe: %w", err)
		}
	}
	if (maxPages-pages+free)*pageSize < minHeadroom {
		return &sqliteFullError{fmt.Errorf("%w: %d of at most %d pages used", errNoHeadroom, pages-free, maxPages)}
	}
	if avail, ok := diskFree(db.label); ok && avail < minHeadroom {
		return &sqliteFullError{fmt.Errorf("%w: %d bytes free on the disk of %s", errNoHeadroom, avail, db.label)}
	}
	return nil
}

// sqliteFullError is a headroom shortage, classified as SQLite's own
// SQLITE_FULL would be.
type sqliteFullError struct{ err error }

func (e *sqliteFullError) Error() string { return e.err.Error() }
func (e *sqliteFullError) Unwrap() error { return e.err }
