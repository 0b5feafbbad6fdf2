package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/ledger"
)

// NewDecision is a decision event to store: the decision (every field but
// ID and LogIndex set), the inputs of its payload by tag, and, once stored,
// whether it had been stored before.
type NewDecision struct {
	D         *aims.Decision
	Inputs    map[string]json.RawMessage
	Duplicate bool
}

// StoreDecisions stores decision events of the organization in scope and
// seals each new one as a leaf of its log, in the transaction. An event
// whose (system, source, seq) is stored already (before, or earlier in
// ds) is not stored again: it gets the first one's id and log index and is
// marked Duplicate. The log head is locked first, so that replicas on
// PostgreSQL cannot both store one event.
func StoreDecisions(ctx context.Context, tx *Tx, scope aims.Scope, ds []*NewDecision) error {
	for _, nd := range ds { // a transaction retried starts afresh
		nd.D.ID, nd.D.LogIndex, nd.Duplicate = "", 0, false
	}
	if _, err := AppendLeaves(ctx, tx, scope, nil); err != nil { // locks the head
		return err
	}
	if err := findStoredDecisions(ctx, tx, scope, ds); err != nil {
		return err
	}
	type key struct {
		system, source string
		seq            int64
	}
	first := map[key]*aims.Decision{}
	dupOf := map[*NewDecision]*aims.Decision{}
	var fresh []*NewDecision
	var leaves []Leaf
	for _, nd := range ds {
		if nd.Duplicate {
			continue
		}
		k := key{nd.D.SystemID, nd.D.Source, nd.D.Seq}
		if f := first[k]; f != nil {
			nd.D.ID, nd.Duplicate = f.ID, true
			dupOf[nd] = f
			continue
		}
		nd.D.ID = newID()
		first[k] = nd.D
		entry, err := ledger.EncodeDecision(scope.OrgID(), nd.D)
		if err != nil {
			return err
		}
		fresh = append(fresh, nd)
		leaves = append(leaves, Leaf{Entry: entry, Ref: nd.D.ID})
	}
	idx, err := AppendLeaves(ctx, tx, scope, leaves)
	if err != nil {
		return err
	}
	for i, nd := range fresh {
		nd.D.LogIndex = idx + uint64(i)
	}
	for nd, f := range dupOf {
		nd.D.LogIndex = f.LogIndex
	}
	if err := insertDecisionRows(ctx, tx, scope, fresh); err != nil {
		return err
	}
	return insertDecisionInputs(ctx, tx, scope, fresh)
}

// findStoredDecisions marks the events stored before, with their id and
// index: one range query per (system, source) when the sequence numbers
// are dense, else lookups by list.
func findStoredDecisions(ctx context.Context, tx *Tx, scope aims.Scope, ds []*NewDecision) error {
	type group struct{ system, source string }
	groups := map[group][]*NewDecision{}
	for _, nd := range ds {
		g := group{nd.D.SystemID, nd.D.Source}
		groups[g] = append(groups[g], nd)
	}
	for g, list := range groups {
		seqs := make([]int64, len(list))
		for i, nd := range list {
			seqs[i] = nd.D.Seq
		}
		slices.Sort(seqs)
		seqs = slices.Compact(seqs)
		found := map[int64][2]any{}
		scan := func(rows *sql.Rows) error {
			defer rows.Close()
			for rows.Next() {
				var seq, idx int64
				var id string
				if err := rows.Scan(&seq, &id, &idx); err != nil {
					return err
				}
				found[seq] = [2]any{id, uint64(idx)}
			}
			return rows.Err()
		}
		lo, hi := seqs[0], seqs[len(seqs)-1]
		if hi-lo <= int64(4*len(seqs)+64) {
			rows, err := tx.tx.QueryContext(ctx, `SELECT seq, id, leaf_index FROM decisions
				WHERE org_id = $1 AND system_id = $2 AND source = $3 AND seq BETWEEN $4 AND $5`,
				scope.OrgID(), g.system, g.source, lo, hi)
			if err == nil {
				err = scan(rows)
			}
			if err != nil {
				return fmt.Errorf("find stored decisions: %w", mapError(err))
			}
		} else {
			for rest := seqs; len(rest) > 0; {
				n := min(len(rest), 200)
				args := []any{scope.OrgID(), g.system, g.source}
				marks := make([]string, n)
				for i, s := range rest[:n] {
					args = append(args, s)
					marks[i] = fmt.Sprintf("$%d", i+4)
				}
				rows, err := tx.tx.QueryContext(ctx, `SELECT seq, id, leaf_index FROM decisions
					WHERE org_id = $1 AND system_id = $2 AND source = $3 AND seq IN (`+strings.Join(marks, ",")+`)`, args...)
				if err == nil {
					err = scan(rows)
				}
				if err != nil {
					return fmt.Errorf("find stored decisions: %w", mapError(err))
				}
				rest = rest[n:]
			}
		}
		for _, nd := range list {
			if f, ok := found[nd.D.Seq]; ok {
				nd.D.ID, nd.D.LogIndex, nd.Duplicate = f[0].(string), f[1].(uint64), true
			}
		}
	}
	return nil
}

const decisionInsertColumns = `id, org_id, system_id, model_version, model_version_id, unknown_model_version, source, seq,
	decided_at, received_at, skew_ms, clock_skew, human, leaf_index, payload_digest, salt, payload`

func insertDecisionRows(ctx context.Context, tx *Tx, scope aims.Scope, ds []*NewDecision) error {
	const cols, per = 17, 100
	for rest := ds; len(rest) > 0; {
		n := min(len(rest), per)
		args := make([]any, 0, n*cols)
		for _, nd := range rest[:n] {
			d := nd.D
			args = append(args, d.ID, scope.OrgID(), d.SystemID, d.ModelVersion, nullString(d.ModelVersionID), d.UnknownModelVersion,
				d.Source, d.Seq, d.SourceTime, d.ReceivedAt, d.SkewMS, d.ClockSkew, string(d.Human), int64(d.LogIndex),
				d.PayloadDigest, d.Salt, []byte(d.Payload))
		}
		if _, err := tx.tx.ExecContext(ctx, tx.insertSQL("decisions", decisionInsertColumns, cols, n), args...); err != nil {
			return fmt.Errorf("store decisions: %w", mapError(err))
		}
		rest = rest[n:]
	}
	return nil
}

func insertDecisionInputs(ctx context.Context, tx *Tx, scope aims.Scope, ds []*NewDecision) error {
	const cols, per = 6, 500
	args := make([]any, 0, per*cols)
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		_, err := tx.tx.ExecContext(ctx, tx.insertSQL("decision_inputs", "org_id, tag, decided_at, decision_id, system_id, value", cols, len(args)/cols), args...)
		args = args[:0]
		if err != nil {
			return fmt.Errorf("store decision inputs: %w", mapError(err))
		}
		return nil
	}
	for _, nd := range ds {
		for tag, v := range nd.Inputs {
			args = append(args, scope.OrgID(), tag, nd.D.SourceTime, nd.D.ID, nd.D.SystemID, string(v))
			if len(args) == per*cols {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}

// dialectOf says which database a Querier reads.
func dialectOf(q Querier) Dialect {
	switch v := q.(type) {
	case *DB:
		return v.dialect
	case *Tx:
		return v.db.dialect
	}
	return SQLite
}

func unixTime(sec int64) time.Time { return time.Unix(sec, 0).UTC() }

// decisionColumns are the columns scanDecision reads, in its order.
const decisionColumns = `id, system_id, model_version, model_version_id, unknown_model_version, source, seq, decided_at, received_at,
	skew_ms, clock_skew, human, leaf_index, payload_digest, salt, payload, erased_at, erased_by`

func scanDecision(sc scanner, extra ...any) (*aims.Decision, error) {
	var d aims.Decision
	var mv sql.NullString
	var human string
	var idx int64
	var erased sql.NullTime
	var payload []byte
	if err := sc.Scan(append([]any{&d.ID, &d.SystemID, &d.ModelVersion, &mv, &d.UnknownModelVersion, &d.Source, &d.Seq,
		&d.SourceTime, &d.ReceivedAt, &d.SkewMS, &d.ClockSkew, &human, &idx, &d.PayloadDigest, &d.Salt, &payload,
		&erased, &d.ErasedBy}, extra...)...); err != nil {
		return nil, err
	}
	d.ModelVersionID = mv.String
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
	return &d, nil
}

// decisionWhere is the filter of FindDecisions and the export.
const decisionWhere = `WHERE org_id = $1 AND system_id = $2
			AND (NOT $3 OR decided_at >= $4)
			AND (NOT $5 OR decided_at < $6)
			AND (CAST($7 AS TEXT) IS NULL OR model_version = $7 OR model_version_id = $7)
			AND (CAST($8 AS TEXT) IS NULL OR source = $8)
			AND (CAST($9 AS TEXT) IS NULL OR human = $9)`

func decisionArgs(scope aims.Scope, systemID string, f aims.DecisionFilter) []any {
	return []any{scope.OrgID(), systemID, f.Since != nil, timeOrZero(f.Since), f.Until != nil, timeOrZero(f.Until),
		opt(f.ModelVersion), opt(f.Source), opt(f.Human)}
}

// FindDecisions lists the decisions of one system, newest first, with the
// total that match.
func FindDecisions(ctx context.Context, q Querier, scope aims.Scope, systemID string, f aims.DecisionFilter) ([]*aims.Decision, int, error) {
	return findPage(ctx, q, "decisions", `
		SELECT `+decisionColumns+`, COUNT(*) OVER ()
		FROM decisions `+decisionWhere+`
		ORDER BY decided_at DESC, id DESC
		LIMIT $10 OFFSET $11`, decisionArgs(scope, systemID, f), f.Page,
		func(sc scanner, total *int) (*aims.Decision, error) { return scanDecision(sc, total) })
}

// EachDecision calls fn with every decision of one system that f selects
// (no paging), oldest first, for exports.
func EachDecision(ctx context.Context, q Querier, scope aims.Scope, systemID string, f aims.DecisionFilter, fn func(*aims.Decision) error) error {
	rows, err := q.queryer().QueryContext(ctx, `SELECT `+decisionColumns+` FROM decisions `+decisionWhere+`
		ORDER BY decided_at, id`, decisionArgs(scope, systemID, f)...)
	if err != nil {
		return fmt.Errorf("export decisions: %w", mapError(err))
	}
	defer rows.Close()
	for rows.Next() {
		d, err := scanDecision(rows)
		if err != nil {
			return fmt.Errorf("export decisions: %w", err)
		}
		if err := fn(d); err != nil {
			return err
		}
	}
	return rows.Err()
}

// FindDecisionByID returns one decision of one system.
func FindDecisionByID(ctx context.Context, q Querier, scope aims.Scope, systemID, id string) (*aims.Decision, error) {
	d, err := scanDecision(q.queryer().QueryRowContext(ctx, `SELECT `+decisionColumns+` FROM decisions
		WHERE org_id = $1 AND system_id = $2 AND id = $3`, scope.OrgID(), systemID, id))
	if err != nil {
		return nil, notFound(err, "decision")
	}
	return d, nil
}

// EraseDecisionPayload deletes a decision's payload and salt and clears its
// input values (the tag names stay, for lineage), recording the erasure.
// The leaf keeps the salted digest: the log still verifies, and nothing
// is left to confirm the payload against. The audit event holds neither
// payload nor salt.
func EraseDecisionPayload(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.Decision, by string) (*aims.Decision, error) {
	if before.ErasedAt != nil {
		return nil, aims.Errorf(aims.KindConflict, "the payload of this decision was erased already")
	}
	after := *before
	now := tx.now
	after.Payload, after.Salt, after.ErasedAt, after.ErasedBy = nil, nil, &now, by
	res, err := tx.tx.ExecContext(ctx, `UPDATE decisions SET payload = NULL, salt = NULL, erased_at = $1, erased_by = $2
		WHERE org_id = $3 AND id = $4 AND erased_at IS NULL`, now, by, scope.OrgID(), before.ID)
	if err != nil {
		return nil, fmt.Errorf("erase decision: %w", mapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, aims.Errorf(aims.KindConflict, "the payload of this decision was erased already")
	}
	if _, err := tx.tx.ExecContext(ctx, `UPDATE decision_inputs SET value = NULL WHERE decision_id = $1 AND org_id = $2`,
		before.ID, scope.OrgID()); err != nil {
		return nil, fmt.Errorf("erase decision inputs: %w", mapError(err))
	}
	redacted := *before
	redacted.Payload, redacted.Salt = nil, nil
	return &after, tx.recordUpdate(ctx, scope, aims.EntityDecision, before.ID, &redacted, &after)
}

// DecisionOverrides counts the decisions of one system from since on, by
// period of bucket seconds (from the Unix epoch), with how many a person
// overrode or approved.
func DecisionOverrides(ctx context.Context, q Querier, scope aims.Scope, systemID string, since int64, bucket int64) ([]aims.OverrideBucket, error) {
	epoch := `CAST(strftime('%s', decided_at) AS INTEGER)`
	if dialectOf(q) == Postgres {
		epoch = `CAST(FLOOR(EXTRACT(EPOCH FROM decided_at)) AS BIGINT)`
	}
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT `+epoch+` / $3 AS b, COUNT(*),
			SUM(CASE WHEN human = 'overridden' THEN 1 ELSE 0 END),
			SUM(CASE WHEN human = 'approved' THEN 1 ELSE 0 END)
		FROM decisions
		WHERE org_id = $1 AND system_id = $2 AND decided_at >= $4
		GROUP BY b ORDER BY b`, scope.OrgID(), systemID, bucket, unixTime(since))
	if err != nil {
		return nil, fmt.Errorf("count overrides: %w", mapError(err))
	}
	defer rows.Close()
	var out []aims.OverrideBucket
	for rows.Next() {
		var b aims.OverrideBucket
		var n int64
		if err := rows.Scan(&n, &b.Decisions, &b.Overridden, &b.Approved); err != nil {
			return nil, fmt.Errorf("count overrides: %w", err)
		}
		b.Start = unixTime(n * bucket)
		out = append(out, b)
	}
	return out, rows.Err()
}

// DecisionInputTags lists, for the lineage of decisions, the tag names of
// one decision's inputs (kept after an erasure).
func DecisionInputTags(ctx context.Context, q Querier, scope aims.Scope, decisionID string) ([]string, error) {
	rows, err := q.queryer().QueryContext(ctx, `SELECT tag FROM decision_inputs WHERE decision_id = $1 AND org_id = $2 ORDER BY tag`,
		decisionID, scope.OrgID())
	if err != nil {
		return nil, fmt.Errorf("decision inputs: %w", mapError(err))
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
