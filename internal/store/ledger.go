package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/ledger"
)

// LogHead is an organization's log as stored: its size, root and right
// edge, and the origin and verifier key pinned by its first checkpoint.
type LogHead struct {
	LogID       int64
	OrgID       string
	Size        uint64
	Root        []byte
	Edge        ledger.Edge
	Origin      string
	VerifierKey string
	UpdatedAt   time.Time
}

// Leaf is an entry to append to an organization's log, with the id of the
// record it seals (unique in the log; empty for none).
type Leaf struct {
	Entry []byte
	Ref   string
	hash  []byte // the entry's leaf hash, when computed already
}

// sealer is a transaction's part of the log: the leaves its audit events
// wait to append, and the heads it holds locked.
type sealer struct {
	pending map[string][]Leaf   // by organization, in recording order
	open    map[string]*openLog // by organization
}

// openLog is a head locked by the transaction, with an appender over it.
type openLog struct {
	head  *LogHead
	app   *ledger.Appender
	dirty bool
}

// queueLeaf makes a leaf of an audit event, appended when the transaction
// commits (sealLogs), so that the head stays locked only for the commit.
func (tx *Tx) queueLeaf(orgID string, l Leaf) {
	if tx.db.unsealed {
		return
	}
	if tx.seal.pending == nil {
		tx.seal.pending = map[string][]Leaf{}
	}
	tx.seal.pending[orgID] = append(tx.seal.pending[orgID], l)
}

// sealLogs appends the pending leaves and writes the heads. Transact calls
// it just before the commit: the leaves commit with the events they seal,
// or neither does. Heads are locked in organization order, so transactions
// touching several organizations cannot deadlock.
func (tx *Tx) sealLogs(ctx context.Context) error {
	orgs := make([]string, 0, len(tx.seal.pending))
	for org := range tx.seal.pending {
		orgs = append(orgs, org)
	}
	slices.Sort(orgs)
	for _, org := range orgs {
		lg, err := tx.openLog(ctx, org)
		if err != nil {
			return err
		}
		if _, err := tx.appendLeaves(ctx, lg, tx.seal.pending[org]); err != nil {
			return err
		}
		delete(tx.seal.pending, org)
	}
	for _, lg := range tx.seal.open {
		if !lg.dirty {
			continue
		}
		e := lg.app.Edge()
		_, err := tx.exec(ctx, `UPDATE log_heads SET size = $1, root = $2, edge = $3, updated_at = $4 WHERE log_id = $5`,
			int64(e.Size), lg.app.Root(), e.Marshal(), tx.now, lg.head.LogID)
		if err != nil {
			return fmt.Errorf("update log head: %w", mapError(err))
		}
	}
	return nil
}

// AppendLeaves appends leaves to the log of the organization in scope, in
// the transaction, and returns the index of the first. The leaves are
// durable when the transaction commits; an entry must not exceed
// ledger.MaxEntrySize. This is the log's API for records other than audit
// events (which Tx.record seals by itself).
func AppendLeaves(ctx context.Context, tx *Tx, scope aims.Scope, leaves []Leaf) (uint64, error) {
	if tx.db.unsealed {
		return 0, errors.New("append to the log: this database was opened unsealed (benchmarks only)")
	}
	lg, err := tx.openLog(ctx, scope.OrgID())
	if err != nil {
		return 0, err
	}
	return tx.appendLeaves(ctx, lg, leaves)
}

// headSQL selects a head; PostgreSQL appenders add FOR UPDATE to lock it
// (SQLite's single writer already serializes them).
const headSQL = `SELECT log_id, org_id, size, root, edge, origin, verifier_key, updated_at FROM log_heads`

// openLog locks the organization's head for the rest of the transaction,
// creating it on first use. A new head first seals the organization's
// earlier audit events (written before the log existed), oldest first. A
// log refused (DB.RefuseLog), or gone after it was opened, is not
// created: the write fails as unavailable.
func (tx *Tx) openLog(ctx context.Context, orgID string) (*openLog, error) {
	if lg := tx.seal.open[orgID]; lg != nil {
		return lg, nil
	}
	lock := headSQL + ` WHERE org_id = $1`
	if tx.db.dialect == Postgres {
		lock += ` FOR UPDATE`
	}
	if reason := tx.db.LogRefusal(orgID); reason != "" {
		return nil, LogRefusedError(reason)
	}
	head, err := scanLogHead(tx.queryRow(ctx, lock, orgID))
	created := false
	if errors.Is(err, sql.ErrNoRows) {
		// A log is created only for an organization that never had one.
		if err := tx.mayOpenLog(ctx, orgID, len(tx.seal.pending[orgID])); err != nil {
			return nil, err
		}
		if created, err = tx.createLogHead(ctx, orgID); err != nil {
			return nil, err
		}
		head, err = scanLogHead(tx.tx.QueryRowContext(ctx, lock, orgID))
		if err != nil {
			return nil, fmt.Errorf("lock new log head: %w", mapError(err))
		}
		if created {
			if err := tx.markLogOpened(ctx, orgID, head.LogID, 0); err != nil {
				return nil, err
			}
		}
	} else if err != nil {
		return nil, fmt.Errorf("lock log head: %w", mapError(err))
	}
	app, err := ledger.NewAppender(head.Edge)
	if err != nil {
		return nil, fmt.Errorf("log of organization %s: %w", orgID, err)
	}
	lg := &openLog{head: head, app: app}
	if tx.seal.open == nil {
		tx.seal.open = map[string]*openLog{}
	}
	tx.seal.open[orgID] = lg
	if created {
		if err := tx.sealEarlierEvents(ctx, lg); err != nil {
			return nil, err
		}
	}
	return lg, nil
}

// sealEarlierEvents appends every audit event the organization has so far,
// this transaction's included (so they leave the pending list).
func (tx *Tx) sealEarlierEvents(ctx context.Context, lg *openLog) error {
	rows, err := tx.tx.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_events WHERE org_id = $1 ORDER BY occurred_at, id`, lg.head.OrgID)
	if err != nil {
		return fmt.Errorf("seal earlier audit events: %w", mapError(err))
	}
	var leaves []Leaf
	for rows.Next() {
		ev, err := scanAuditEvent(rows)
		if err != nil {
			rows.Close()
			return fmt.Errorf("seal earlier audit events: %w", err)
		}
		entry, err := ledger.EncodeAuditEvent(lg.head.OrgID, ev)
		if err != nil {
			rows.Close()
			return err
		}
		leaves = append(leaves, Leaf{Entry: entry, Ref: ev.ID})
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("seal earlier audit events: %w", err)
	}
	delete(tx.seal.pending, lg.head.OrgID)
	_, err = tx.appendLeaves(ctx, lg, leaves)
	return err
}

func (tx *Tx) appendLeaves(ctx context.Context, lg *openLog, leaves []Leaf) (uint64, error) {
	first := lg.app.Size()
	if len(leaves) == 0 {
		return first, nil
	}
	hashes := make([][]byte, len(leaves)) // this call's leaf hashes, from index first
	args := make([]any, 0, len(leaves)*5)
	for i, l := range leaves {
		if len(l.Entry) > ledger.MaxEntrySize {
			return 0, fmt.Errorf("log entry of %d bytes is over %d", len(l.Entry), ledger.MaxEntrySize)
		}
		h := l.hash
		if h == nil {
			h = ledger.LeafHash(l.Entry)
		}
		hashes[i] = h
		idx := lg.app.Size()
		if err := lg.app.Append(h); err != nil {
			return 0, err
		}
		args = append(args, lg.head.LogID, int64(idx), h, l.Entry, l.Ref)
	}
	// Multi-row INSERTs of a few fixed sizes, each prepared once, or COPY
	// on PostgreSQL (insertRowsRaw).
	if _, err := tx.insertRowsRaw(ctx, "log_leaves", "log_id, idx, hash, entry, ref", 5, args, ""); err != nil {
		if isUniqueViolation(err) {
			return 0, fmt.Errorf("append to the log: a record is already sealed: %w", err)
		}
		return 0, fmt.Errorf("append to the log: %w", mapError(err))
	}
	nodes := lg.app.TakeNodes()
	if len(nodes) > 0 {
		args := make([]any, 0, len(nodes)*4)
		for _, nd := range nodes {
			args = append(args, lg.head.LogID, nd.Level, int64(nd.Index), nd.Hash)
		}
		if _, err := tx.insertRows(ctx, "log_nodes", "log_id, level, idx, hash", 4, args, ""); err != nil {
			return 0, fmt.Errorf("append to the log: %w", err)
		}
	}
	// A hash at tile level l+1 completes tile l of the same index: store
	// that tile whole, once, with its inner hashes.
	for _, nd := range nodes {
		level, n := nd.Level-1, nd.Index
		from := n * ledger.TileWidth
		var tile [][]byte
		if level == 0 && from >= first && from+ledger.TileWidth <= first+uint64(len(hashes)) {
			tile = hashes[from-first : from-first+ledger.TileWidth]
		} else {
			var err error
			if tile, err = readHashRows(ctx, tx, lg.head, level, from, from+ledger.TileWidth); err != nil {
				return 0, err
			}
		}
		inner, err := ledger.TileInner(tile)
		if err != nil {
			return 0, fmt.Errorf("append to the log: tile %d/%d: %w", level, n, err)
		}
		_, err = tx.exec(ctx, `INSERT INTO log_tiles (log_id, level, idx, hashes, inner_hashes) VALUES ($1, $2, $3, $4, $5)`,
			lg.head.LogID, level, int64(n), bytes.Join(tile, nil), bytes.Join(inner, nil))
		if err != nil {
			return 0, fmt.Errorf("append to the log: store tile %d/%d: %w", level, n, mapError(err))
		}
	}
	lg.dirty = true
	return first, nil
}

func scanLogHead(row interface{ Scan(...any) error }) (*LogHead, error) {
	var h LogHead
	var size int64
	var edge []byte
	if err := row.Scan(&h.LogID, &h.OrgID, &size, &h.Root, &edge, &h.Origin, &h.VerifierKey, &h.UpdatedAt); err != nil {
		return nil, err
	}
	h.Size = uint64(size)
	h.UpdatedAt = h.UpdatedAt.UTC()
	e, err := ledger.ParseEdge(h.Size, edge)
	if err != nil {
		return nil, fmt.Errorf("log of organization %s: %w", h.OrgID, err)
	}
	h.Edge = e
	return &h, nil
}
