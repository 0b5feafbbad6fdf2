package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// LoginCounter is the state of one sign-in throttle key.
type LoginCounter struct {
	Key         string
	Failures    int
	NotBefore   time.Time  // no attempt counts before this time
	LastSuccess *time.Time // the last sign-in that succeeded under this key
	UpdatedAt   time.Time
}

// ClaimLoginCounter returns the counter of key, creating it, and holds it
// until tx ends: the upsert takes the row's lock on PostgreSQL (SQLite
// transactions hold the database's write lock), so that parallel attempts
// read and count one after the other. Sign-in bookkeeping is not a
// governance record and is not audited.
func ClaimLoginCounter(ctx context.Context, tx *Tx, key string) (*LoginCounter, error) {
	c := &LoginCounter{Key: key}
	var last sql.NullTime
	err := tx.tx.QueryRowContext(ctx, `
		INSERT INTO login_throttle (key, failures, not_before, updated_at) VALUES ($1, 0, $2, $2)
		ON CONFLICT (key) DO UPDATE SET key = excluded.key
		RETURNING failures, not_before, last_success_at, updated_at`, key, tx.now).
		Scan(&c.Failures, &c.NotBefore, &last, &c.UpdatedAt)
	if err != nil {
		return nil, fmt.Errorf("claim login counter: %w", mapError(err))
	}
	c.NotBefore, c.UpdatedAt, c.LastSuccess = c.NotBefore.UTC(), c.UpdatedAt.UTC(), scanTime(last)
	return c, nil
}

// SaveLoginCounter writes a counter claimed in tx; updated_at is tx's time.
func SaveLoginCounter(ctx context.Context, tx *Tx, c *LoginCounter) error {
	c.UpdatedAt = tx.now
	_, err := tx.tx.ExecContext(ctx, `UPDATE login_throttle SET failures = $1, not_before = $2, last_success_at = $3, updated_at = $4 WHERE key = $5`,
		c.Failures, c.NotBefore.UTC().Truncate(time.Microsecond), c.LastSuccess, c.UpdatedAt, c.Key)
	if err != nil {
		return fmt.Errorf("save login counter: %w", mapError(err))
	}
	return nil
}

// DeleteStaleLoginCounters forgets counters untouched since before, except
// those that remember a successful sign-in since keepSuccess.
func DeleteStaleLoginCounters(ctx context.Context, db *DB, before, keepSuccess time.Time) (int64, error) {
	res, err := db.writer.ExecContext(ctx, `DELETE FROM login_throttle WHERE updated_at < $1 AND (last_success_at IS NULL OR last_success_at < $2)`,
		before.UTC().Truncate(time.Microsecond), keepSuccess.UTC().Truncate(time.Microsecond))
	if err != nil {
		return 0, fmt.Errorf("delete stale login counters: %w", mapError(err))
	}
	return res.RowsAffected()
}

// ErrSetupDone answers a first-start setup after another one succeeded.
var ErrSetupDone = aims.ErrNotFound("setup link (it works once, and only while aims has no users; run 'aims user create' instead)")

// ClaimSetup records in tx that the first-start setup created orgID. Of
// concurrent claims one commits and the others fail with ErrSetupDone; a
// claim when accounts exist already fails too.
func ClaimSetup(ctx context.Context, tx *Tx, orgID string) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO instance_setup (id, org_id, created_at) VALUES (1, $1, $2)`, orgID, tx.now)
	if isUniqueViolation(err) {
		return ErrSetupDone
	}
	if err != nil {
		return fmt.Errorf("claim setup: %w", mapError(err))
	}
	n, err := CountUsers(ctx, tx)
	if err != nil {
		return err
	}
	if n > 0 {
		return ErrSetupDone
	}
	return nil
}
