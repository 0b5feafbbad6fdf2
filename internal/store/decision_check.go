package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// What `aims log check` reads to compare stored decisions with the leaves
// that seal them (service/log_check.go).

// sealedDecisionColumns are what a decision's entry and payload check
// need (scanSealedDecision's order): not its tags, skew or erasure's
// author, which no leaf seals.
const sealedDecisionColumns = `id, org_id, system_id, model_version, source, seq, decided_at, received_at, human, leaf_index,
	payload_digest, salt, payload, erased_at`

func scanSealedDecision(sc scanner) (*aims.Decision, string, error) {
	var d aims.Decision
	var org, human string
	var idx int64
	var erased sql.NullTime
	var payload []byte
	if err := sc.Scan(&d.ID, &org, &d.SystemID, &d.ModelVersion, &d.Source, &d.Seq, &d.SourceTime, &d.ReceivedAt, &human, &idx,
		&d.PayloadDigest, &d.Salt, &payload, &erased); err != nil {
		return nil, "", err
	}
	d.Human = aims.HumanAction(human)
	d.LogIndex = uint64(idx)
	d.SourceTime, d.ReceivedAt = d.SourceTime.UTC(), d.ReceivedAt.UTC()
	d.ErasedAt = scanTime(erased)
	if len(payload) > 0 {
		d.Payload = payload
	}
	if len(d.Salt) == 0 {
		d.Salt = nil
	}
	return &d, org, nil
}

// FindSealedDecisions returns the organization's decisions among ids (the
// record ids of decision leaves), by id, with what their leaves seal; ids
// with no decision are absent.
func FindSealedDecisions(ctx context.Context, q Querier, head *LogHead, ids []string) (map[string]*aims.Decision, error) {
	out := make(map[string]*aims.Decision, len(ids))
	for rest := ids; len(rest) > 0; {
		n := min(len(rest), 500)
		args := make([]any, n)
		for i, id := range rest[:n] {
			args[i] = id
		}
		// By primary key alone: with org_id in the WHERE clause SQLite
		// would rather walk an (org_id, ...) index through every decision
		// of the organization, for each batch. The organization is
		// compared on the rows read.
		rows, err := q.queryer().QueryContext(ctx, `SELECT `+sealedDecisionColumns+` FROM decisions
			WHERE id IN (`+inList(q, n)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("read sealed decisions: %w", mapError(err))
		}
		for rows.Next() {
			d, org, err := scanSealedDecision(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("read sealed decisions: %w", err)
			}
			if org == head.OrgID {
				out[d.ID] = d
			}
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read sealed decisions: %w", err)
		}
		rest = rest[n:]
	}
	return out, nil
}

// FindUnsealedDecisions returns the ids of the organization's decisions
// that are not among sealed (decision id -> the leaf that seals it), or
// that name another leaf: rows written around the log. It counts the
// decisions first and reads them all only when the count differs.
func FindUnsealedDecisions(ctx context.Context, q Querier, head *LogHead, sealed map[string]uint64) ([]string, error) {
	var n int
	if err := q.queryer().QueryRowContext(ctx, `SELECT COUNT(*) FROM decisions WHERE org_id = $1`, head.OrgID).Scan(&n); err != nil {
		return nil, fmt.Errorf("count decisions: %w", mapError(err))
	}
	if n == len(sealed) {
		return nil, nil
	}
	rows, err := q.queryer().QueryContext(ctx, `SELECT id, leaf_index FROM decisions WHERE org_id = $1 ORDER BY id`, head.OrgID)
	if err != nil {
		return nil, fmt.Errorf("find unsealed decisions: %w", mapError(err))
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		var idx int64
		if err := rows.Scan(&id, &idx); err != nil {
			return nil, fmt.Errorf("find unsealed decisions: %w", err)
		}
		if leaf, ok := sealed[id]; !ok || leaf != uint64(idx) {
			out = append(out, id)
		}
	}
	return out, rows.Err()
}
