package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/ledger"
)

// RebuildLog replaces the log of the organization in scope by a new one,
// in tx, and returns the new head and the rebuild. The old head, if
// any, is set aside (its leaves, tiles and checkpoints stay, under their
// log id); first is given the rebuild (its id, generation and what is
// left of the old log filled in) to complete (origin, reason) and returns
// the new log's first entry; the rebuild is recorded as an audit event.
// Then every audit
// event of the organization is sealed, oldest first, and every decision
// in the order of its old leaf, each decision row and key pointing at its
// new leaf. A refused log (DB.RefuseLog) may be rebuilt: that is how a
// refusal ends.
func RebuildLog(ctx context.Context, tx *Tx, scope aims.Scope, first func(r *aims.LogRebuild, prev *ledger.PreviousLog) ([]byte, error)) (*LogHead, *aims.LogRebuild, error) {
	if tx.db.unsealed {
		return nil, nil, errors.New("rebuild the log: this database was opened unsealed (benchmarks only)")
	}
	orgID := scope.OrgID()
	lock := headSQL + ` WHERE org_id = $1`
	if tx.db.dialect == Postgres {
		lock += ` FOR UPDATE`
	}
	old, err := scanLogHead(tx.tx.QueryRowContext(ctx, lock, orgID))
	if errors.Is(err, sql.ErrNoRows) {
		old = nil
	} else if err != nil {
		return nil, nil, fmt.Errorf("rebuild the log: %w", mapError(err))
	}
	mark, err := scanLogMark(tx.tx.QueryRowContext(ctx, `SELECT org_id, log_id, generation, opened_at FROM log_marks WHERE org_id = $1`, orgID))
	if errors.Is(err, sql.ErrNoRows) {
		mark = nil
	} else if err != nil {
		return nil, nil, fmt.Errorf("rebuild the log: %w", mapError(err))
	}

	// What is left of the old log: its head, else its last checkpoint.
	var prev *ledger.PreviousLog
	oldID := int64(0)
	if old != nil {
		oldID = old.LogID
		prev = &ledger.PreviousLog{Origin: old.Origin, Root: old.Root, Size: old.Size, VerifierKey: old.VerifierKey}
	} else if mark != nil {
		oldID = mark.LogID
	}
	if oldID > 0 {
		cp, err := LatestLogCheckpoint(ctx, tx, &LogHead{LogID: oldID})
		if err == nil {
			if prev == nil {
				// A checkpoint's first line is its origin.
				origin, _, _ := strings.Cut(string(cp.Note), "\n")
				prev = &ledger.PreviousLog{Origin: origin, Root: cp.Root, Size: cp.Size}
			}
			prev.Checkpoint = string(cp.Note)
		} else if !aims.IsKind(err, aims.KindNotFound) {
			return nil, nil, err
		}
	}
	generation := 2
	if mark != nil {
		generation = max(mark.Generation, 1) + 1
	}

	if old != nil {
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM log_heads WHERE log_id = $1`, old.LogID); err != nil {
			return nil, nil, fmt.Errorf("set the old log aside: %w", mapError(err))
		}
	}
	created, err := tx.createLogHead(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	if !created {
		return nil, nil, aims.Errorf(aims.KindConflict, "another transaction created this organization's log during the rebuild: check the log again before rebuilding")
	}
	head, err := scanLogHead(tx.tx.QueryRowContext(ctx, lock, orgID))
	if err != nil {
		return nil, nil, fmt.Errorf("lock new log head: %w", mapError(err))
	}
	if err := tx.markLogOpened(ctx, orgID, head.LogID, generation); err != nil {
		return nil, nil, err
	}
	app, err := ledger.NewAppender(head.Edge)
	if err != nil {
		return nil, nil, err
	}
	lg := &openLog{head: head, app: app}
	if tx.seal.open == nil {
		tx.seal.open = map[string]*openLog{}
	}
	tx.seal.open[orgID] = lg

	rebuild := &aims.LogRebuild{ID: newID(), Generation: generation}
	if prev != nil {
		rebuild.PreviousOrigin, rebuild.PreviousSize, rebuild.PreviousCheckpoint = prev.Origin, prev.Size, prev.Checkpoint
	}
	entry, err := first(rebuild, prev)
	if err != nil {
		return nil, nil, err
	}
	if err := tx.recordCreate(ctx, scope, aims.EntityLogRebuild, rebuild.ID, rebuild); err != nil {
		return nil, nil, err
	}
	if _, err := tx.appendLeaves(ctx, lg, []Leaf{{Entry: entry, Ref: rebuild.ID}}); err != nil {
		return nil, nil, err
	}
	if err := tx.sealEarlierEvents(ctx, lg); err != nil {
		return nil, nil, err
	}
	if err := tx.resealDecisions(ctx, lg); err != nil {
		return nil, nil, err
	}
	return head, rebuild, nil
}

// resealDecisions appends a leaf for each decision of the organization, in
// the order of their old leaves, and points each decision and its key at
// its new leaf.
func (tx *Tx) resealDecisions(ctx context.Context, lg *openLog) error {
	orgID := lg.head.OrgID
	rows, err := tx.tx.QueryContext(ctx, `SELECT id FROM decisions WHERE org_id = $1 ORDER BY leaf_index`, orgID)
	if err != nil {
		return fmt.Errorf("reseal decisions: %w", mapError(err))
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("reseal decisions: %w", err)
		}
		ids = append(ids, id)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("reseal decisions: %w", err)
	}
	for len(ids) > 0 {
		batch := ids[:min(len(ids), 500)]
		ids = ids[len(batch):]
		found, err := FindSealedDecisions(ctx, tx, lg.head, batch)
		if err != nil {
			return err
		}
		leaves := make([]Leaf, len(batch))
		for i, id := range batch {
			entry, err := ledger.EncodeDecision(orgID, found[id])
			if err != nil {
				return err
			}
			leaves[i] = Leaf{Entry: entry, Ref: id}
		}
		firstIdx, err := tx.appendLeaves(ctx, lg, leaves)
		if err != nil {
			return err
		}
		for i, id := range batch {
			d, idx := found[id], int64(firstIdx)+int64(i)
			if _, err := tx.tx.ExecContext(ctx, `UPDATE decisions SET leaf_index = $1 WHERE org_id = $2 AND id = $3`, idx, orgID, id); err != nil {
				return fmt.Errorf("reseal decision %s: %w", id, mapError(err))
			}
			source := `(SELECT id FROM decision_sources WHERE org_id = $2 AND system_id = $3 AND source = $4)`
			if _, err := tx.tx.ExecContext(ctx, `UPDATE decision_keys SET leaf_index = $1 WHERE source_id = `+source+` AND seq = $5`,
				idx, orgID, d.SystemID, d.Source, d.Seq); err != nil {
				return fmt.Errorf("reseal decision %s: %w", id, mapError(err))
			}
			if _, err := tx.tx.ExecContext(ctx, `UPDATE decision_recent_keys SET leaf_index = $1 WHERE source_id = `+source+` AND seq = $5`,
				idx, orgID, d.SystemID, d.Source, d.Seq); err != nil {
				return fmt.Errorf("reseal decision %s: %w", id, mapError(err))
			}
		}
	}
	return nil
}
