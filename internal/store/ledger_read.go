package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/ledger"
)

// FindLogHead returns the log of the organization in scope; not found when
// the organization has no log yet.
func FindLogHead(ctx context.Context, q Querier, scope aims.Scope) (*LogHead, error) {
	h, err := scanLogHead(q.queryer().QueryRowContext(ctx, headSQL+` WHERE org_id = $1`, scope.OrgID()))
	if err != nil {
		return nil, notFound(err, "log")
	}
	return h, nil
}

// ListLogHeads returns every organization's log, for aims' own background
// work (signing, checking). It reads across tenants.
func ListLogHeads(ctx context.Context, q Querier) ([]*LogHead, error) {
	rows, err := q.queryer().QueryContext(ctx, headSQL+` ORDER BY log_id`)
	if err != nil {
		return nil, fmt.Errorf("list logs: %w", mapError(err))
	}
	defer rows.Close()
	var out []*LogHead
	for rows.Next() {
		h, err := scanLogHead(rows)
		if err != nil {
			return nil, fmt.Errorf("list logs: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// OrganizationsWithoutLog lists the organizations whose log does not exist
// yet (their events predate the log), for sealing at start.
func OrganizationsWithoutLog(ctx context.Context, q Querier) ([]string, error) {
	rows, err := q.queryer().QueryContext(ctx, `SELECT o.id FROM organizations o
		WHERE NOT EXISTS (SELECT 1 FROM log_heads h WHERE h.org_id = o.id) ORDER BY o.id`)
	if err != nil {
		return nil, fmt.Errorf("find organizations without log: %w", mapError(err))
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// OpenLog creates the log of the organization in scope when it has none,
// sealing its earlier audit events.
func OpenLog(ctx context.Context, tx *Tx, scope aims.Scope) error {
	_, err := tx.openLog(ctx, scope.OrgID())
	return err
}

// ReadLogHashes returns the stored hashes of a log at tile level level
// (0: leaf hashes) with indexes [from, to). A full tile is one row.
func ReadLogHashes(ctx context.Context, q Querier, head *LogHead, level int, from, to uint64) ([][]byte, error) {
	if from%ledger.TileWidth == 0 && to-from == ledger.TileWidth {
		var blob []byte
		err := q.queryer().QueryRowContext(ctx, `SELECT hashes FROM log_tiles WHERE log_id = $1 AND level = $2 AND idx = $3`,
			head.LogID, level, int64(from/ledger.TileWidth)).Scan(&blob)
		if err == nil {
			out, err := splitHashes(blob, ledger.TileWidth)
			if err != nil {
				return nil, fmt.Errorf("stored tile %d/%d: %w", level, from/ledger.TileWidth, err)
			}
			return out, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("read log tile: %w", mapError(err))
		}
	}
	return readHashRows(ctx, q, head, level, from, to)
}

// ReadLogTile returns full tile n of level with its inner hashes (see
// ledger.TileInner), or nils when the tile is not stored whole.
func ReadLogTile(ctx context.Context, q Querier, head *LogHead, level int, n uint64) (hashes, inner [][]byte, err error) {
	var hb, ib []byte
	err = q.queryer().QueryRowContext(ctx, `SELECT hashes, inner_hashes FROM log_tiles WHERE log_id = $1 AND level = $2 AND idx = $3`,
		head.LogID, level, int64(n)).Scan(&hb, &ib)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read log tile: %w", mapError(err))
	}
	if hashes, err = splitHashes(hb, ledger.TileWidth); err == nil {
		inner, err = splitHashes(ib, ledger.TileWidth-1)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("stored tile %d/%d: %w", level, n, err)
	}
	return hashes, inner, nil
}

func splitHashes(b []byte, n int) ([][]byte, error) {
	if len(b) != n*ledger.HashSize {
		return nil, fmt.Errorf("%d bytes, want %d hashes", len(b), n)
	}
	out := make([][]byte, n)
	for i := range out {
		out[i] = b[i*ledger.HashSize : (i+1)*ledger.HashSize : (i+1)*ledger.HashSize]
	}
	return out, nil
}

// readHashRows reads hashes one row each: leaf hashes at level 0, tile-level
// node hashes above.
func readHashRows(ctx context.Context, q Querier, head *LogHead, level int, from, to uint64) ([][]byte, error) {
	var rows *sql.Rows
	var err error
	if level == 0 {
		rows, err = q.queryer().QueryContext(ctx, `SELECT hash FROM log_leaves WHERE log_id = $1 AND idx >= $2 AND idx < $3 ORDER BY idx`,
			head.LogID, int64(from), int64(to))
	} else {
		rows, err = q.queryer().QueryContext(ctx, `SELECT hash FROM log_nodes WHERE log_id = $1 AND level = $2 AND idx >= $3 AND idx < $4 ORDER BY idx`,
			head.LogID, level, int64(from), int64(to))
	}
	if err != nil {
		return nil, fmt.Errorf("read log hashes: %w", mapError(err))
	}
	defer rows.Close()
	out := make([][]byte, 0, to-from)
	for rows.Next() {
		var h []byte
		if err := rows.Scan(&h); err != nil {
			return nil, fmt.Errorf("read log hashes: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// ReadLogEntries returns the entries [from, to) of a log.
func ReadLogEntries(ctx context.Context, q Querier, head *LogHead, from, to uint64) ([][]byte, error) {
	rows, err := q.queryer().QueryContext(ctx, `SELECT entry FROM log_leaves WHERE log_id = $1 AND idx >= $2 AND idx < $3 ORDER BY idx`,
		head.LogID, int64(from), int64(to))
	if err != nil {
		return nil, fmt.Errorf("read log entries: %w", mapError(err))
	}
	defer rows.Close()
	out := make([][]byte, 0, to-from)
	for rows.Next() {
		var e []byte
		if err := rows.Scan(&e); err != nil {
			return nil, fmt.Errorf("read log entries: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// FindLogLeafByRef returns the index and entry of the leaf that seals the
// record ref.
func FindLogLeafByRef(ctx context.Context, q Querier, head *LogHead, ref string) (uint64, []byte, error) {
	var idx int64
	var entry []byte
	err := q.queryer().QueryRowContext(ctx, `SELECT idx, entry FROM log_leaves WHERE log_id = $1 AND ref = $2`, head.LogID, ref).Scan(&idx, &entry)
	if err != nil {
		return 0, nil, notFound(err, "sealed record")
	}
	return uint64(idx), entry, nil
}

// LogCheckpoint is a signed checkpoint as stored.
type LogCheckpoint struct {
	Size     uint64
	Root     []byte
	Note     []byte
	SignedAt time.Time
}

// LatestLogCheckpoint returns the log's largest signed checkpoint; not found
// when none is signed yet.
func LatestLogCheckpoint(ctx context.Context, q Querier, head *LogHead) (*LogCheckpoint, error) {
	var c LogCheckpoint
	var size int64
	var note string
	err := q.queryer().QueryRowContext(ctx, `SELECT size, root, note, signed_at FROM log_checkpoints
		WHERE log_id = $1 ORDER BY size DESC LIMIT 1`, head.LogID).Scan(&size, &c.Root, &note, &c.SignedAt)
	if err != nil {
		return nil, notFound(err, "checkpoint")
	}
	c.Size, c.Note, c.SignedAt = uint64(size), []byte(note), c.SignedAt.UTC()
	return &c, nil
}

// ListLogCheckpoints returns the log's signed checkpoints up to maxSize,
// smallest first.
func ListLogCheckpoints(ctx context.Context, q Querier, head *LogHead, maxSize uint64) ([]*LogCheckpoint, error) {
	rows, err := q.queryer().QueryContext(ctx, `SELECT size, root, note, signed_at FROM log_checkpoints
		WHERE log_id = $1 AND size <= $2 ORDER BY size`, head.LogID, int64(maxSize))
	if err != nil {
		return nil, fmt.Errorf("list checkpoints: %w", mapError(err))
	}
	defer rows.Close()
	var out []*LogCheckpoint
	for rows.Next() {
		var c LogCheckpoint
		var size int64
		var note string
		if err := rows.Scan(&size, &c.Root, &note, &c.SignedAt); err != nil {
			return nil, fmt.Errorf("list checkpoints: %w", err)
		}
		c.Size, c.Note, c.SignedAt = uint64(size), []byte(note), c.SignedAt.UTC()
		out = append(out, &c)
	}
	return out, rows.Err()
}

// SaveLogCheckpoint stores a signed checkpoint. Signing is aims' own
// bookkeeping, not a change to a record, so it is not audited; a checkpoint
// of a size already signed is kept as it was.
func SaveLogCheckpoint(ctx context.Context, tx *Tx, head *LogHead, c *LogCheckpoint) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO log_checkpoints (log_id, size, root, note, signed_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (log_id, size) DO NOTHING`, head.LogID, int64(c.Size), c.Root, string(c.Note), tx.now)
	if err != nil {
		return fmt.Errorf("save checkpoint: %w", mapError(err))
	}
	return nil
}

// PinLogKey records the origin and verifier key of a log when none is
// recorded yet, and returns the ones recorded (which differ when another
// replica pinned its own first).
func PinLogKey(ctx context.Context, tx *Tx, head *LogHead, origin, verifierKey string) (string, string, error) {
	_, err := tx.tx.ExecContext(ctx, `UPDATE log_heads SET origin = $1, verifier_key = $2 WHERE log_id = $3 AND verifier_key = ''`,
		origin, verifierKey, head.LogID)
	if err != nil {
		return "", "", fmt.Errorf("pin log key: %w", mapError(err))
	}
	var o, v string
	err = tx.tx.QueryRowContext(ctx, `SELECT origin, verifier_key FROM log_heads WHERE log_id = $1`, head.LogID).Scan(&o, &v)
	if err != nil {
		return "", "", fmt.Errorf("pin log key: %w", mapError(err))
	}
	return o, v, nil
}

// SealedAuditEvent is a leaf of the log read with the audit event it
// seals, for the tamper check. Event is nil when the leaf's record is gone.
type SealedAuditEvent struct {
	Index uint64
	Hash  []byte
	Entry []byte
	Ref   string
	Event *aims.AuditEvent
}

// FindSealedAuditEvents returns the leaves [from, to) of a log with the
// audit events they name.
func FindSealedAuditEvents(ctx context.Context, q Querier, head *LogHead, from, to uint64) ([]*SealedAuditEvent, error) {
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT l.idx, l.hash, l.entry, l.ref, e.id, e.occurred_at, e.actor_kind, e.actor_user_id, e.actor_token_id, e.actor_label,
			e.action, e.entity_type, e.entity_id, e.entity_label, e.before_json, e.after_json, e.request_id
		FROM log_leaves l LEFT JOIN audit_events e ON e.id = l.ref AND e.org_id = $2
		WHERE l.log_id = $1 AND l.idx >= $3 AND l.idx < $4
		ORDER BY l.idx`, head.LogID, head.OrgID, int64(from), int64(to))
	if err != nil {
		return nil, fmt.Errorf("read sealed audit events: %w", mapError(err))
	}
	defer rows.Close()
	var out []*SealedAuditEvent
	for rows.Next() {
		var s SealedAuditEvent
		var idx int64
		var id, kind, userID, tokenID, label, action, etype, eid, elabel, reqID sql.NullString
		var at sql.NullTime
		var before, after sql.NullString
		if err := rows.Scan(&idx, &s.Hash, &s.Entry, &s.Ref, &id, &at, &kind, &userID, &tokenID, &label,
			&action, &etype, &eid, &elabel, &before, &after, &reqID); err != nil {
			return nil, fmt.Errorf("read sealed audit events: %w", err)
		}
		s.Index = uint64(idx)
		if id.Valid {
			ev := &aims.AuditEvent{ID: id.String, OccurredAt: at.Time.UTC(),
				Actor:  aims.Actor{Kind: aims.ActorKind(kind.String), UserID: userID.String, TokenID: tokenID.String, Label: label.String},
				Action: aims.AuditAction(action.String), EntityType: etype.String, EntityID: eid.String, EntityLabel: elabel.String,
				RequestID: reqID.String}
			if before.Valid {
				ev.Before = []byte(before.String)
			}
			if after.Valid {
				ev.After = []byte(after.String)
			}
			s.Event = ev
		}
		out = append(out, &s)
	}
	return out, rows.Err()
}

// FindUnsealedAuditEvents returns the ids of the organization's audit events
// at or after since that no leaf seals: rows written around the log.
func FindUnsealedAuditEvents(ctx context.Context, q Querier, head *LogHead, since time.Time) ([]string, error) {
	rows, err := q.queryer().QueryContext(ctx, `SELECT e.id FROM audit_events e
		WHERE e.org_id = $1 AND e.occurred_at >= $2
			AND NOT EXISTS (SELECT 1 FROM log_leaves l WHERE l.log_id = $3 AND l.ref = e.id AND l.ref <> '')
		ORDER BY e.occurred_at, e.id`, head.OrgID, since.UTC(), head.LogID)
	if err != nil {
		return nil, fmt.Errorf("find unsealed audit events: %w", mapError(err))
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// FindAuditEventByID returns one audit event of the organization in scope.
func FindAuditEventByID(ctx context.Context, q Querier, scope aims.Scope, id string) (*aims.AuditEvent, error) {
	ev, err := scanAuditEvent(q.queryer().QueryRowContext(ctx, `SELECT `+auditColumns+` FROM audit_events WHERE org_id = $1 AND id = $2`,
		scope.OrgID(), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, aims.ErrNotFound("audit event")
	}
	if err != nil {
		return nil, fmt.Errorf("find audit event: %w", mapError(err))
	}
	return ev, nil
}
