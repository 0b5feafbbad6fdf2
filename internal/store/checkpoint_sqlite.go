package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SQLite in WAL mode writes each page twice: into the write-ahead log at
// commit (made durable by the commit's fsync), and later into the database
// file by a checkpoint. By default the connection that commits runs the
// checkpoint itself, after every 1,000 pages of log, so every few commits
// the single writer stops to copy pages and fsync the database file. Here
// a connection of its own copies them in the background (PASSIVE: it never
// waits for, nor blocks, the writer or the readers), and the writer's own
// checkpoint runs only as a backstop, after walBackstopPages pages, which
// is also when SQLite starts the log file over. Durability is unchanged: a
// commit is durable once its log frames are synced, checkpointed or not.

// walCheckpointInterval is how often the background checkpoint runs.
const walCheckpointInterval = 100 * time.Millisecond

// walBackstopPages is the writer's own checkpoint threshold (about 40 MB
// of log with 4 KiB pages).
const walBackstopPages = 10000

// checkpointer runs PASSIVE checkpoints on its own connection until stop.
type checkpointer struct {
	conn *sql.DB
	stop chan struct{}
	done chan struct{}
}

func startCheckpointer(dsn string) (*checkpointer, error) {
	conn, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(1)
	c := &checkpointer{conn: conn, stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c, nil
}

func (c *checkpointer) run() {
	defer close(c.done)
	t := time.NewTicker(walCheckpointInterval)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		// Errors (a checkpoint already running, a busy file) only mean
		// that the next one, or the writer's backstop, does the work.
		_, _ = c.conn.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`)
	}
}

func (c *checkpointer) close() error {
	close(c.stop)
	<-c.done
	return c.conn.Close()
}

// truncate copies every frame of the write-ahead log into the database file
// and empties the log file, waiting (up to the busy timeout) for readers
// of older frames to finish.
func (c *checkpointer) truncate(ctx context.Context) error {
	var busy, frames, copied int
	if err := c.conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &frames, &copied); err != nil {
		return err
	}
	if busy != 0 {
		return errors.New("readers still use the write-ahead log")
	}
	return nil
}

// ScrubAfterErasure removes what erased records leave in the database's
// files, as far as the database allows. On SQLite, secure_delete (see
// sqlitePragmas) has zeroed the erased bytes in the pages the erasure
// wrote, but older copies of those pages stay in the write-ahead log and
// in the database file until a checkpoint: this runs one that also empties
// the log. On PostgreSQL it does nothing: old row versions stay in the
// table's pages until VACUUM reuses them.
func (db *DB) ScrubAfterErasure(ctx context.Context) error {
	if db.ckpt == nil {
		return nil
	}
	if err := db.ckpt.truncate(ctx); err != nil {
		return fmt.Errorf("checkpoint after erasure: %w", err)
	}
	return nil
}
