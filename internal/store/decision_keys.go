package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/ledger"
)

// Duplicate detection for decision events (migration 00051 says why it is
// not a unique index over decisions). Each (system, source) has an integer
// id; the key (source id, seq) of each stored event goes into the small
// decision_recent_keys, and from there, recentKeysFlushAt at a time and in
// key order, into decision_keys. Everything is read and written in the
// transaction that stores the events, under the lock of the organization's
// log head, so the answer is exact with any number of processes and
// replicas; only the source ids (which never change) are cached.

// recentKeysFlushAt is how many recent keys an organization gathers, by
// this process's count, before they move to decision_keys: a few pages of
// decision_recent_keys (a dozen bytes a key), so that a group of events
// from many gateways writes few pages, and one move of some thousand keys
// writes each gateway's place in decision_keys once.
const recentKeysFlushAt = 4096

// decisionKey identifies an event: its source's id and sequence number.
type decisionKey struct {
	source int64
	seq    int64
}

// sourceMax is what StoreDecisions reads of a source: the largest seq in
// decision_keys and the largest in decision_recent_keys (-1 for none).
type sourceMax struct{ flushed, recent int64 }

// recentCounts counts, per organization, the keys this process added to
// decision_recent_keys since it last moved them.
type recentCounts struct{ m sync.Map } // org -> *atomic.Int64

func (c *recentCounts) of(org string) *atomic.Int64 {
	v, _ := c.m.LoadOrStore(org, new(atomic.Int64))
	return v.(*atomic.Int64)
}

// resolveSources gives each decision its source's id, storing the sources
// the organization has not had before. Ids of committed sources are kept
// in memory.
func (tx *Tx) resolveSources(ctx context.Context, scope aims.Scope, ds []*NewDecision) error {
	local := map[string]int64{}
	for _, nd := range ds {
		key := scope.OrgID() + "\x00" + nd.D.SystemID + "\x00" + nd.D.Source
		if id, ok := local[key]; ok {
			nd.sourceID = id
			continue
		}
		if id, ok := tx.db.sources.Load(key); ok {
			nd.sourceID = id.(int64)
			local[key] = nd.sourceID
			continue
		}
		var id int64
		err := tx.queryRow(ctx, `SELECT id FROM decision_sources WHERE org_id = $1 AND system_id = $2 AND source = $3`,
			scope.OrgID(), nd.D.SystemID, nd.D.Source).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			err = tx.queryRow(ctx, `INSERT INTO decision_sources (org_id, system_id, source) VALUES ($1, $2, $3) RETURNING id`,
				scope.OrgID(), nd.D.SystemID, nd.D.Source).Scan(&id)
		}
		if err != nil {
			return fmt.Errorf("store decision source: %w", mapError(err))
		}
		local[key], nd.sourceID = id, id
		tx.AfterCommit(func() { tx.db.sources.Store(key, id) })
	}
	return nil
}

// sourceMaxima reads, for each of the sources, the largest seq stored in
// decision_keys and in decision_recent_keys.
func (tx *Tx) sourceMaxima(ctx context.Context, sources []int64) (map[int64]sourceMax, error) {
	out := make(map[int64]sourceMax, len(sources))
	const query = `SELECT s.id, s.flushed_max, COALESCE((SELECT MAX(r.seq) FROM decision_recent_keys r WHERE r.source_id = s.id), -1)
			FROM decision_sources s WHERE s.id `
	scan := func(rows *sql.Rows) error {
		var id int64
		var m sourceMax
		if err := rows.Scan(&id, &m.flushed, &m.recent); err != nil {
			return err
		}
		out[id] = m
		return nil
	}
	var err error
	if tx.db.dialect == Postgres {
		// One array parameter: one round trip for any number of sources.
		err = tx.queryEach(ctx, query+`= ANY($1)`, []any{sources}, scan)
	} else {
		err = tx.inChunks(ctx, sources, func(n int) string { return query + `IN (` + tx.marks(n, 1, "") + `)` }, scan)
	}
	if err != nil {
		return nil, fmt.Errorf("read decision sources: %w", mapError(err))
	}
	return out, nil
}

// storedKeys looks keys up in table (decision_keys or
// decision_recent_keys) and returns the leaf of each one found.
func (tx *Tx) storedKeys(ctx context.Context, table string, keys []decisionKey) (map[decisionKey]uint64, error) {
	out := map[decisionKey]uint64{}
	args := make([]int64, 0, 2*len(keys))
	for _, k := range keys {
		args = append(args, k.source, k.seq)
	}
	err := tx.inChunks(ctx, args, func(n int) string {
		// A join with a VALUES list: one primary-key lookup per key.
		return `SELECT k.source_id, k.seq, k.leaf_index FROM (VALUES ` + tx.marks(n/2, 2, "BIGINT") + `) AS v
			JOIN ` + table + ` k ON k.source_id = v.column1 AND k.seq = v.column2`
	}, func(rows *sql.Rows) error {
		var k decisionKey
		var idx int64
		if err := rows.Scan(&k.source, &k.seq, &idx); err != nil {
			return err
		}
		out[k] = uint64(idx)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("look up decision keys: %w", mapError(err))
	}
	return out, nil
}

// directKeysAt is how many new events of one source a transaction stores
// before their keys go straight into decision_keys rather than through
// decision_recent_keys: a batch from one gateway (NDJSON) writes its
// place in decision_keys once either way, and moving the keys later cost
// a tenth of the single writer's time.
const directKeysAt = 64

// storeDecisionKeys stores the key of each of fresh: those of sources with
// directKeysAt or more in fresh in decision_keys, raising the source's
// flushed_max so that lookups find them there, the others in
// decision_recent_keys. It says how many went to decision_recent_keys.
func (tx *Tx) storeDecisionKeys(ctx context.Context, fresh []*NewDecision) (int64, error) {
	perSource := map[int64]int{}
	for _, nd := range fresh {
		perSource[nd.sourceID]++
	}
	var recent, direct []any
	maxSeq := map[int64]int64{}
	for _, nd := range fresh {
		if perSource[nd.sourceID] < directKeysAt {
			recent = append(recent, nd.sourceID, nd.D.Seq, int64(nd.D.LogIndex))
			continue
		}
		direct = append(direct, nd.sourceID, nd.D.Seq, int64(nd.D.LogIndex))
		if m, ok := maxSeq[nd.sourceID]; !ok || nd.D.Seq > m {
			maxSeq[nd.sourceID] = nd.D.Seq
		}
	}
	if _, err := tx.insertRows(ctx, "decision_recent_keys", "source_id, seq, leaf_index", 3, recent, ""); err != nil {
		return 0, fmt.Errorf("store decision keys: %w", err)
	}
	if _, err := tx.insertRows(ctx, "decision_keys", "source_id, seq, leaf_index", 3, direct, ""); err != nil {
		return 0, fmt.Errorf("store decision keys: %w", err)
	}
	for source, seq := range maxSeq {
		if _, err := tx.exec(ctx, `UPDATE decision_sources SET flushed_max = $2 WHERE id = $1 AND flushed_max < $2`, source, seq); err != nil {
			return 0, fmt.Errorf("store decision keys: %w", mapError(err))
		}
	}
	return int64(len(recent) / 3), nil
}

// flushRecentKeys moves the organization's recent keys into
// decision_keys, in key order, and records each source's largest moved seq.
func (tx *Tx) flushRecentKeys(ctx context.Context, scope aims.Scope) error {
	for _, q := range []string{
		`INSERT INTO decision_keys (source_id, seq, leaf_index)
			SELECT r.source_id, r.seq, r.leaf_index FROM decision_recent_keys r
			WHERE r.source_id IN (SELECT id FROM decision_sources WHERE org_id = $1)
			ORDER BY r.source_id, r.seq
			ON CONFLICT DO NOTHING`,
		`UPDATE decision_sources SET flushed_max = m.mx
			FROM (SELECT source_id, MAX(seq) AS mx FROM decision_recent_keys
				WHERE source_id IN (SELECT id FROM decision_sources WHERE org_id = $1) GROUP BY source_id) AS m
			WHERE decision_sources.id = m.source_id AND m.mx > decision_sources.flushed_max`,
		`DELETE FROM decision_recent_keys WHERE source_id IN (SELECT id FROM decision_sources WHERE org_id = $1)`,
	} {
		if _, err := tx.exec(ctx, q, scope.OrgID()); err != nil {
			return fmt.Errorf("move recent decision keys: %w", mapError(err))
		}
	}
	return nil
}

// findDuplicates marks the events of ds whose key is stored already, with
// the first event's id and leaf. Only keys not above both maxima of their
// source are looked up.
func (tx *Tx) findDuplicates(ctx context.Context, head *LogHead, ds []*NewDecision) error {
	seen := map[int64]bool{}
	var sources []int64
	for _, nd := range ds {
		if !seen[nd.sourceID] {
			seen[nd.sourceID] = true
			sources = append(sources, nd.sourceID)
		}
	}
	maxima, err := tx.sourceMaxima(ctx, sources)
	if err != nil {
		return err
	}
	var recent, flushed []decisionKey
	for _, nd := range ds {
		m := maxima[nd.sourceID]
		k := decisionKey{nd.sourceID, nd.D.Seq}
		if nd.D.Seq <= m.recent {
			recent = append(recent, k)
		}
		if nd.D.Seq <= m.flushed {
			flushed = append(flushed, k)
		}
	}
	if len(recent) == 0 && len(flushed) == 0 {
		return nil
	}
	found, err := tx.storedKeys(ctx, "decision_recent_keys", recent)
	if err != nil {
		return err
	}
	more, err := tx.storedKeys(ctx, "decision_keys", flushed)
	if err != nil {
		return err
	}
	for k, idx := range more {
		found[k] = idx
	}
	if len(found) == 0 {
		return nil
	}
	// The id of each first event, from the entry of its leaf.
	ids := map[uint64]string{}
	for _, idx := range found {
		ids[idx] = ""
	}
	for idx := range ids {
		entries, err := ReadLogEntries(ctx, tx, head, idx, idx+1)
		if err != nil {
			return err
		}
		if len(entries) != 1 {
			return fmt.Errorf("decision key names leaf %d, which is not in the log", idx)
		}
		h, err := ledger.ParseEntryHeader(entries[0])
		if err != nil || h.Type != ledger.DecisionType {
			return fmt.Errorf("decision key names leaf %d, which does not seal a decision", idx)
		}
		ids[idx] = h.ID
	}
	for _, nd := range ds {
		if idx, ok := found[decisionKey{nd.sourceID, nd.D.Seq}]; ok {
			nd.D.ID, nd.D.LogIndex, nd.Duplicate = ids[idx], idx, true
		}
	}
	return nil
}
