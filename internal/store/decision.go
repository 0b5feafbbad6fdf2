package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
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

	// What Prepare computes, outside the transaction.
	org    string // the organization prepared for
	id     string // the decision's id if it is new
	entry  []byte // the log entry sealing it (which holds id)
	hash   []byte // the entry's leaf hash
	tagKey string // its input tag names, sorted, as stored

	// Found in the transaction.
	tagSet   string // the id of its tag set
	sourceID int64  // the id of its (system, source)
}

// Prepare does the work of storing nd that needs no database: a new id,
// the log entry that seals the decision and the entry's hash, its sorted
// tag names. StoreDecisions calls it for events not prepared for the
// organization; callers that can should call it before the transaction
// (on the request's goroutine), so that the single writer only writes.
func (nd *NewDecision) Prepare(orgID string) error {
	d := nd.D
	tags := make([]string, 0, len(nd.Inputs))
	for tag := range nd.Inputs {
		tags = append(tags, tag)
	}
	slices.Sort(tags)
	d.InputTags = tags
	nd.tagKey = encodeList(tags)
	d.ID = newID()
	entry, err := ledger.EncodeDecision(orgID, d)
	if err != nil {
		return err
	}
	nd.org, nd.id, nd.entry, nd.hash = orgID, d.ID, entry, ledger.LeafHash(entry)
	return nil
}

// StoreDecisions stores decision events of the organization in scope and
// seals each new one as a leaf of its log, in the transaction. An event
// whose (system, source, seq) is stored already (before, or earlier in
// ds) is not stored again: it gets the first one's id and log index and is
// marked Duplicate. The log head is locked first, so that replicas on
// PostgreSQL cannot both store one event.
func StoreDecisions(ctx context.Context, tx *Tx, scope aims.Scope, ds []*NewDecision) error {
	for _, nd := range ds {
		if nd.org != scope.OrgID() {
			if err := nd.Prepare(scope.OrgID()); err != nil {
				return err
			}
		}
		nd.Duplicate, nd.D.ID, nd.D.LogIndex = false, nd.id, 0
	}
	if tx.db.unsealed {
		return errors.New("store decisions: this database was opened unsealed (benchmarks only)")
	}
	lg, err := tx.openLog(ctx, scope.OrgID()) // locks the head
	if err != nil {
		return err
	}
	if err := tx.resolveSources(ctx, scope, ds); err != nil {
		return err
	}
	recent := tx.db.recentKeys.of(scope.OrgID())
	if recent.Load() >= recentKeysFlushAt {
		if err := tx.flushRecentKeys(ctx, scope); err != nil {
			return err
		}
		tx.AfterCommit(func() { recent.Store(0) })
	}
	// The first of each key within ds; the others are its duplicates.
	first := make(map[decisionKey]*NewDecision, len(ds))
	unique := make([]*NewDecision, 0, len(ds))
	for _, nd := range ds {
		k := decisionKey{nd.sourceID, nd.D.Seq}
		if first[k] != nil {
			nd.Duplicate = true
			continue
		}
		first[k] = nd
		unique = append(unique, nd)
	}
	if err := tx.findDuplicates(ctx, lg.head, unique); err != nil {
		return err
	}
	next := lg.app.Size()
	fresh := make([]*NewDecision, 0, len(unique))
	leaves := make([]Leaf, 0, len(unique))
	for _, nd := range unique {
		if nd.Duplicate {
			continue
		}
		nd.D.LogIndex = next + uint64(len(fresh))
		fresh = append(fresh, nd)
		// The decision row names its leaf: no ref, and no index entry
		// for one, in the log.
		leaves = append(leaves, Leaf{Entry: nd.entry, hash: nd.hash})
	}
	if err := tx.resolveTagSets(ctx, scope, fresh); err != nil {
		return err
	}
	if _, err := insertDecisionRows(ctx, tx, scope, fresh); err != nil {
		return err
	}
	if err := tx.countDecisionDays(ctx, scope, fresh); err != nil {
		return err
	}
	recentAdded, err := tx.storeDecisionKeys(ctx, fresh)
	if err != nil {
		return err
	}
	if idx, err := tx.appendLeaves(ctx, lg, leaves); err != nil {
		return err
	} else if len(leaves) > 0 && idx != next {
		return fmt.Errorf("store decisions: the log moved from %d to %d while the head was locked", next, idx)
	}
	for _, nd := range ds {
		if nd.Duplicate && nd.D.ID == nd.id { // a repeat within ds
			f := first[decisionKey{nd.sourceID, nd.D.Seq}]
			nd.D.ID, nd.D.LogIndex = f.D.ID, f.D.LogIndex
		}
	}
	tx.AfterCommit(func() { recent.Add(recentAdded) })
	return nil
}

const decisionInsertColumns = `id, org_id, system_id, model_version, model_version_id, unknown_model_version, source, seq,
	decided_at, received_at, skew_ms, clock_skew, human, tag_set_id, leaf_index, payload_digest, salt, payload`

// insertDecisionRows inserts ds and says how many it inserted.
func insertDecisionRows(ctx context.Context, tx *Tx, scope aims.Scope, ds []*NewDecision) (int, error) {
	const cols = 18
	args := make([]any, 0, len(ds)*cols)
	for _, nd := range ds {
		d := nd.D
		args = append(args, d.ID, scope.OrgID(), d.SystemID, d.ModelVersion, nullString(d.ModelVersionID), d.UnknownModelVersion,
			d.Source, d.Seq, d.SourceTime, d.ReceivedAt, d.SkewMS, d.ClockSkew, string(d.Human), nd.tagSet, int64(d.LogIndex),
			d.PayloadDigest, d.Salt, []byte(d.Payload))
	}
	n, err := tx.insertRows(ctx, "decisions", decisionInsertColumns, cols, args, "")
	if err != nil {
		return 0, fmt.Errorf("store decisions: %w", err)
	}
	return n, nil
}

// resolveTagSets gives each decision the id of its set of input tag
// names, storing a set the organization has not used before. Sets known
// from committed transactions are kept in memory.
func (tx *Tx) resolveTagSets(ctx context.Context, scope aims.Scope, ds []*NewDecision) error {
	local := map[string]string{}
	for _, nd := range ds {
		key := nd.tagKey
		if id, ok := local[key]; ok {
			nd.tagSet = id
			continue
		}
		cacheKey := scope.OrgID() + "\x00" + key
		if id, ok := tx.db.tagSets.Load(cacheKey); ok {
			nd.tagSet = id.(string)
			local[key] = nd.tagSet
			continue
		}
		var id string
		err := tx.tx.QueryRowContext(ctx, `SELECT id FROM decision_tag_sets WHERE org_id = $1 AND tags = $2`, scope.OrgID(), key).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			id = newID()
			if _, err := tx.tx.ExecContext(ctx, `INSERT INTO decision_tag_sets (id, org_id, tags) VALUES ($1, $2, $3)`, id, scope.OrgID(), key); err != nil {
				return fmt.Errorf("store tag set: %w", mapError(err))
			}
			for _, tag := range nd.D.InputTags {
				if _, err := tx.tx.ExecContext(ctx, `INSERT INTO decision_tag_set_tags (org_id, tag, tag_set_id) VALUES ($1, $2, $3)`,
					scope.OrgID(), tag, id); err != nil {
					return fmt.Errorf("store tag set: %w", mapError(err))
				}
			}
		} else if err != nil {
			return fmt.Errorf("find tag set: %w", mapError(err))
		}
		local[key], nd.tagSet = id, id
		tx.AfterCommit(func() { tx.db.tagSets.Store(cacheKey, id) })
	}
	return nil
}

func unixTime(sec int64) time.Time { return time.Unix(sec, 0).UTC() }

// decisionColumns are the columns scanDecision reads, in its order.
const decisionColumns = `id, system_id, model_version, model_version_id, unknown_model_version, source, seq, decided_at, received_at,
	skew_ms, clock_skew, human, (SELECT tags FROM decision_tag_sets s WHERE s.id = decisions.tag_set_id), leaf_index, payload_digest,
	salt, payload, erased_at, erased_by`

func scanDecision(sc scanner, extra ...any) (*aims.Decision, error) {
	var d aims.Decision
	var mv sql.NullString
	var human, tags string
	var idx int64
	var erased sql.NullTime
	var payload []byte
	if err := sc.Scan(append([]any{&d.ID, &d.SystemID, &d.ModelVersion, &mv, &d.UnknownModelVersion, &d.Source, &d.Seq,
		&d.SourceTime, &d.ReceivedAt, &d.SkewMS, &d.ClockSkew, &human, &tags, &idx, &d.PayloadDigest, &d.Salt, &payload,
		&erased, &d.ErasedBy}, extra...)...); err != nil {
		return nil, err
	}
	d.ModelVersionID = mv.String
	d.Human = aims.HumanAction(human)
	if err := decodeList(tags, &d.InputTags); err != nil {
		return nil, err
	}
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

// decisionFilter is the WHERE clause of FindDecisions and the export, and
// its arguments ($1 on). It holds a condition only for each filter set, so
// that a count goes through an index alone and never reads a row: a system
// gathers a million decisions a year at one every 30 seconds. byDay makes
// it the clause of decision_days (see decisionTotal).
func decisionFilter(scope aims.Scope, systemID string, f aims.DecisionFilter, byDay bool) (string, []any) {
	where := []string{"org_id = $1", "system_id = $2"}
	args := []any{scope.OrgID(), systemID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "$?", fmt.Sprintf("$%d", len(args))))
	}
	switch {
	case byDay:
		if f.Since != nil {
			add("day >= $?", decisionDay(*f.Since))
		}
		if f.Until != nil {
			add("day < $?", decisionDay(*f.Until))
		}
	default:
		if f.Since != nil {
			add("decided_at >= $?", timeOrZero(f.Since))
		}
		if f.Until != nil {
			add("decided_at < $?", timeOrZero(f.Until))
		}
	}
	if f.ModelVersion != "" {
		add("(model_version = $? OR model_version_id = $?)", f.ModelVersion)
	}
	if f.Source != "" {
		add("source = $?", f.Source)
	}
	if f.Human != "" {
		add("human = $?", string(f.Human))
	}
	return "WHERE " + strings.Join(where, " AND "), args
}

// FindDecisions lists the decisions of one system, newest first, with the
// total that match. The page and the total are two queries: a count over
// the page's rows (COUNT(*) OVER ()) read every match whole, 300 ms for a
// system of 50,000 decisions, where the page alone reads its own rows.
func FindDecisions(ctx context.Context, q Querier, scope aims.Scope, systemID string, f aims.DecisionFilter) ([]*aims.Decision, int, error) {
	limit, offset := limitOffset(f.Page)
	total, err := decisionTotal(ctx, q, scope, systemID, f)
	if err != nil {
		return nil, 0, err
	}
	out := []*aims.Decision{}
	if offset >= total {
		return out, total, nil
	}
	where, args := decisionFilter(scope, systemID, f, false)
	n := len(args)
	rows, err := q.queryer().QueryContext(ctx, `SELECT `+decisionColumns+` FROM decisions `+where+`
		ORDER BY decided_at DESC, id DESC LIMIT $`+strconv.Itoa(n+1)+` OFFSET $`+strconv.Itoa(n+2), append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("find decisions: %w", mapError(err))
	}
	defer rows.Close()
	for rows.Next() {
		d, err := scanDecision(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("find decisions: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find decisions: %w", err)
	}
	return out, total, nil
}

// EachDecision calls fn with every decision of one system that f selects
// (no paging), oldest first, for exports.
func EachDecision(ctx context.Context, q Querier, scope aims.Scope, systemID string, f aims.DecisionFilter, fn func(*aims.Decision) error) error {
	where, args := decisionFilter(scope, systemID, f, false)
	rows, err := q.queryer().QueryContext(ctx, `SELECT `+decisionColumns+` FROM decisions `+where+`
		ORDER BY decided_at, id`, args...)
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

// EraseDecisionPayload deletes a decision's payload and salt (with them its
// input values; the tag names stay, for lineage), recording the erasure.
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
	redacted := *before
	redacted.Payload, redacted.Salt = nil, nil
	return &after, tx.recordUpdate(ctx, scope, aims.EntityDecision, before.ID, &redacted, &after)
}
