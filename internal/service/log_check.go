package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/store"
)

// LogCheckOptions select what CheckLogs examines.
type LogCheckOptions struct {
	OrgID  string // one organization's log; empty for every log
	Recent uint64 // the last Recent leaves of each log; 0 for all
}

// LogFinding is a record that does not match the log that sealed it.
type LogFinding struct {
	OrgID     string
	LeafIndex *uint64
	RecordID  string
	Detail    string
	key       string // identifies the finding across checks
}

// LogCheckReport is what a check examined and found.
type LogCheckReport struct {
	Logs      int
	Leaves    uint64
	Findings  []LogFinding
	NewAlerts int
	// Decisions is how many decision events were checked against their
	// leaves; ErasedPayloads how many of them had their payload erased on
	// request (recorded, not a finding: the leaf still matches, and the
	// salted digest has nothing left to be checked against).
	Decisions      int
	ErasedPayloads int
	// Records is how many current records (AI systems, risks, SoA rows
	// ...) were compared with their last sealed state.
	Records int
	// refused holds the organizations whose log is refused (an identity
	// finding, or writes refused by this process): no alert can be
	// sealed in their log.
	refused map[string]bool
}

// checkChunk is how many leaves a check reads at a time.
const checkChunk = 4096

// CheckLogs recomputes the leaves of stored audit events and decision
// events and compares them with the log: each record must still encode to
// the entry its leaf holds, the leaves must give the root of the latest
// signed checkpoint, no sealed record may be missing and no record may be
// unsealed; a decision's payload must match the salted digest its leaf
// seals, unless it was erased on request (counted, not a finding). The
// current row of every record the audit trail seals must hold what its
// latest sealed audit event says (log_check_state.go). Each log is read
// at one snapshot, so a commit made while the check runs is either wholly
// seen or not at all; CheckLogs writes nothing (CheckLogsAndAlert raises
// the findings as alerts afterwards).
func (s *Service) CheckLogs(ctx context.Context, opts LogCheckOptions) (*LogCheckReport, error) {
	heads, err := store.ListLogHeads(ctx, s.db)
	if err != nil {
		return nil, err
	}
	rep := &LogCheckReport{}
	// A log missing, or not the one configured, is a finding too; it
	// raises no alert (an alert is sealed in that very log).
	identity, err := s.logIdentityFindings(ctx, opts.OrgID)
	if err != nil {
		return nil, err
	}
	rep.Findings = append(rep.Findings, identity...)
	refused := map[string]bool{}
	for _, f := range identity {
		refused[f.OrgID] = true
	}
	for _, h := range heads {
		if s.db.LogRefusal(h.OrgID) != "" {
			refused[h.OrgID] = true
		}
	}
	rep.refused = refused
	for _, h := range heads {
		if opts.OrgID != "" && h.OrgID != opts.OrgID {
			continue
		}
		// A refused log is still checked leaf by leaf, so that the report
		// names what was deleted or changed; CheckLogsAndAlert raises no
		// alert for it (an alert is sealed in that very log).
		rep.Logs++
		err := s.db.ReadSnapshot(ctx, func(snap *store.Snapshot) error {
			// The head as of the snapshot: everything read below is
			// bounded by it.
			head, err := store.FindLogHead(ctx, snap, systemScope(h.OrgID, "aims log check"))
			if err != nil {
				return err
			}
			findings, leaves, whole, err := s.checkLog(ctx, snap, head, opts.Recent, rep)
			if err != nil {
				return err
			}
			rep.Leaves += leaves
			rep.Findings = append(rep.Findings, findings...)
			if !whole {
				// With leaves gone, the latest sealed state of a record
				// may be among them: compared with an older one, every
				// later change would be reported.
				return nil
			}
			state, err := s.checkState(ctx, snap, head, rep)
			if err != nil {
				return err
			}
			rep.Findings = append(rep.Findings, state...)
			return nil
		})
		if err != nil {
			if refused[h.OrgID] {
				// Reported above; what else is wrong with a refused log
				// (a swapped key fails the checkpoint's signature) adds
				// nothing to act on.
				continue
			}
			return rep, fmt.Errorf("check the log of organization %s: %w", h.OrgID, err)
		}
		// A witness's refusal (a rebuilt or forked log) is read outside
		// the snapshot: it is what the witnesses answered, not a record.
		refusals, err := s.witnessFindings(ctx, h)
		if err != nil {
			return rep, err
		}
		rep.Findings = append(rep.Findings, refusals...)
	}
	return rep, nil
}

// CheckLogsAndAlert checks as CheckLogs does and then raises each new
// finding as an alert (shown to admins and auditors, logged as an error,
// counted in /metrics), through the sealed write path, after the check.
func (s *Service) CheckLogsAndAlert(ctx context.Context, opts LogCheckOptions) (*LogCheckReport, error) {
	rep, err := s.CheckLogs(ctx, opts)
	if err != nil {
		return rep, err
	}
	for _, f := range rep.Findings {
		if rep.refused[f.OrgID] {
			continue // the log itself is refused: an alert could not be sealed in it
		}
		isNew, err := s.raiseAlert(ctx, f)
		if err != nil {
			return rep, err
		}
		if isNew {
			rep.NewAlerts++
		}
	}
	return rep, nil
}

// snapshotSource reads a log's stored hashes at the check's snapshot.
type snapshotSource struct {
	q    store.Querier
	head *store.LogHead
}

func (l snapshotSource) Hashes(ctx context.Context, level int, from, to uint64) ([][]byte, error) {
	return store.ReadLogHashes(ctx, l.q, l.head, level, from, to)
}

func (l snapshotSource) FullTile(ctx context.Context, level int, n uint64) ([][]byte, [][]byte, error) {
	return store.ReadLogTile(ctx, l.q, l.head, level, n)
}

func (s *Service) checkLog(ctx context.Context, q store.Querier, head *store.LogHead, recent uint64, rep *LogCheckReport) (findings []LogFinding, leaves uint64, whole bool, err error) {
	from := uint64(0)
	if recent > 0 && head.Size > recent {
		from = head.Size - recent
	}
	var out []LogFinding
	add := func(index *uint64, record, key, format string, args ...any) {
		out = append(out, LogFinding{OrgID: head.OrgID, LeafIndex: index, RecordID: record, Detail: fmt.Sprintf(format, args...), key: key})
	}
	// A cache of this check's own: what it reads comes from the snapshot,
	// not from tiles another request read before a change.
	r := ledger.NewReader("check", head.Size, snapshotSource{q, head}, ledger.NewCache(1024))
	var cp *ledger.Checkpoint
	if key, err := s.logVerifier(ctx, head); err == nil {
		if stored, err := store.LatestLogCheckpoint(ctx, q, head); err == nil {
			c, err := ledger.OpenCheckpoint(stored.Note, key.Verifier)
			if err != nil {
				add(nil, "", "checkpoint:"+strconv.FormatUint(stored.Size, 10),
					"the latest signed checkpoint (size %d) does not verify with the log's key %s: the database was changed", stored.Size, key.VerifierKey)
			} else if c.Size <= head.Size {
				cp = &c
			} else {
				add(nil, "", "shrunk:"+strconv.FormatUint(c.Size, 10),
					"the log has %d entries, fewer than the %d of its latest signed checkpoint: entries were removed", head.Size, c.Size)
			}
		}
	} else if !errors.Is(err, errNoLogKey) {
		return nil, 0, false, err
	}
	// The leaves [from, cp.Size) are folded into the tree from the stored
	// edge at from; the root they give must be the checkpoint's. Only when
	// it is not are the leaves proved one by one, to name the ones that
	// are not in it.
	var app *ledger.Appender
	if cp != nil && from < cp.Size {
		edge, err := r.Edge(ctx, from)
		if err == nil {
			app, err = ledger.NewAppender(edge)
		}
		if err != nil {
			add(nil, "", "edge:"+strconv.FormatUint(from, 10),
				"the log's stored hashes of its first %d leaves cannot be read (%v): the log storage (log_tiles, log_nodes, log_leaves) was changed", from, err)
		}
	}
	var since time.Time
	sealedDecisions := map[string]uint64{} // decision id -> its leaf
	next := from                           // the next leaf index expected
	gaps := false
	missing := func(lo, hi uint64) {
		first := lo
		add(&first, "", "gone:"+strconv.FormatUint(lo, 10)+"-"+strconv.FormatUint(hi, 10),
			"leaves %d to %d (%d leaves) are missing from the log's stored leaves (table log_leaves), whose head says it holds %d: "+
				"they were deleted in the database; the records they sealed can no longer be checked against them, "+
				"and current records are not compared with their sealed state while leaves are missing",
			lo, hi-1, hi-lo, head.Size)
		app, gaps = nil, true
	}
	// One goroutine reads the next chunk of leaves, with the audit events
	// and decisions they seal, while this one checks the chunk before: the
	// database's work and the hashing overlap.
	chunks := make(chan checkChunkRead, 1)
	readCtx, stopReading := context.WithCancel(ctx)
	go s.readChunks(readCtx, q, head, from, chunks)
	defer func() {
		// On an early return, the reader stops before the snapshot ends.
		stopReading()
		for range chunks {
		}
	}()
	rootMismatch := false
	for c := range chunks {
		if c.err != nil {
			return nil, 0, false, c.err
		}
		for i, l := range c.sealed {
			idx := l.Index
			if idx != next {
				missing(next, idx)
			}
			next = idx + 1
			s.checkLeaf(head, l, c.headers[i], c.decisions, sealedDecisions, &since, from, rep, add)
			if app != nil && idx < cp.Size {
				// The stored hash: a leaf whose entry or record does
				// not match it is named above.
				if err := app.Append(l.Hash); err != nil {
					return nil, 0, false, err
				}
				if app.Size() == cp.Size {
					rootMismatch = !bytes.Equal(app.Root(), cp.Root)
					app = nil
				}
			}
		}
	}
	if rootMismatch {
		if err := s.proveEach(ctx, r, q, head, cp, from, add); err != nil {
			return nil, 0, false, err
		}
	}
	if next < head.Size {
		missing(next, head.Size)
	}
	if gaps {
		// Every record whose leaf is gone would be reported as unsealed
		// too: the missing leaves say it once.
		return out, head.Size - from, !gaps, nil
	}
	if from == 0 {
		// A full check: every decision row must be one a leaf seals.
		unsealed, err := store.FindUnsealedDecisions(ctx, q, head, sealedDecisions)
		if err != nil {
			return nil, 0, false, err
		}
		for _, id := range unsealed {
			add(nil, id, "unsealed:"+id, "decision %s is stored but no leaf of the log seals it: it was inserted or moved in the database around aims", id)
		}
	}
	if from > 0 && since.IsZero() {
		// No audit event among the recent leaves: leave the search for
		// unsealed rows to a full check rather than scan the whole trail.
		return out, head.Size - from, !gaps, nil
	}
	unsealed, err := store.FindUnsealedAuditEvents(ctx, q, head, since)
	if err != nil {
		return nil, 0, false, err
	}
	for _, id := range unsealed {
		add(nil, id, "unsealed:"+id, "audit event %s is in the audit trail but not in the log: it was inserted in the database around aims", id)
	}
	return out, head.Size - from, !gaps, nil
}

// checkLeaf compares one leaf with the record it seals.
func (s *Service) checkLeaf(head *store.LogHead, l *store.SealedAuditEvent, h entryHeader, decisions map[string]*aims.Decision, sealedDecisions map[string]uint64,
	since *time.Time, from uint64, rep *LogCheckReport, add func(index *uint64, record, key, format string, args ...any)) {
	idx := l.Index
	if !bytes.Equal(ledger.LeafHash(l.Entry), l.Hash) {
		add(&idx, l.Ref, "entry:"+strconv.FormatUint(idx, 10), "leaf %d: its stored entry does not match its stored hash: the log storage was changed", idx)
		return
	}
	if h.ok && h.Type == ledger.DecisionType {
		rep.Decisions++
		d := decisions[h.ID]
		if d == nil {
			add(&idx, h.ID, "missing:"+h.ID, "decision %s, sealed at leaf %d, is missing from the decisions: it was deleted in the database", h.ID, idx)
			return
		}
		sealedDecisions[d.ID] = d.LogIndex
		entry, err := ledger.EncodeDecision(head.OrgID, d)
		if err != nil || !bytes.Equal(entry, l.Entry) || d.LogIndex != idx {
			add(&idx, d.ID, "changed:"+d.ID, "decision %s (%s #%d of system %s, made at %s) no longer matches leaf %d: it was changed in the database",
				d.ID, d.Source, d.Seq, d.SystemID, d.SourceTime.Format(ledger.TimeFormat), idx)
			return
		}
		switch {
		case d.Payload == nil && d.Salt == nil && d.ErasedAt != nil:
			rep.ErasedPayloads++ // erased on request: nothing to check the digest against
		case d.Payload == nil || d.Salt == nil:
			add(&idx, d.ID, "payload:"+d.ID, "decision %s: its payload or salt is gone but no erasure was recorded: it was deleted in the database", d.ID)
		case ledger.SaltedDigest(d.Salt, d.Payload) != d.PayloadDigest:
			add(&idx, d.ID, "payload:"+d.ID, "decision %s: its payload no longer matches the salted digest sealed at leaf %d: it was changed in the database", d.ID, idx)
		}
		return
	}
	if h.ok && h.Type == ledger.AuditEventType {
		if l.Event == nil {
			add(&idx, h.ID, "missing:"+h.ID, "audit event %s, sealed at leaf %d, is missing from the audit trail: it was deleted in the database", h.ID, idx)
			return
		}
		if since.IsZero() && from > 0 {
			*since = l.Event.OccurredAt
		}
		entry, err := ledger.EncodeAuditEvent(head.OrgID, l.Event)
		if err != nil || !bytes.Equal(entry, l.Entry) {
			ev := l.Event
			add(&idx, ev.ID, "changed:"+ev.ID,
				"audit event %s (%s of %s %s %q by %s at %s) no longer matches leaf %d: it was changed in the database",
				ev.ID, ev.Action, ev.EntityType, ev.EntityID, ev.EntityLabel, ev.Actor.Label, ev.OccurredAt.Format(ledger.TimeFormat), idx)
		}
	}
}

// proveEach proves the inclusion of each stored leaf hash of [from,
// cp.Size) in the checkpoint, to name the leaves that are not in it.
func (s *Service) proveEach(ctx context.Context, r *ledger.Reader, q store.Querier, head *store.LogHead, cp *ledger.Checkpoint, from uint64,
	add func(index *uint64, record, key, format string, args ...any)) error {
	named := false
	for lo := from; lo < cp.Size; lo += checkChunk {
		hashes, err := store.ReadLogHashes(ctx, q, head, 0, lo, min(lo+checkChunk, cp.Size))
		if err != nil {
			return err
		}
		for i, h := range hashes {
			idx := lo + uint64(i)
			p, err := r.InclusionProof(ctx, idx, cp.Size)
			if err == nil {
				err = ledger.VerifyInclusion(idx, cp.Size, h, p, cp.Root)
			}
			if err != nil {
				named = true
				add(&idx, "", "excluded:"+strconv.FormatUint(idx, 10),
					"leaf %d is not in the signed checkpoint of size %d: the log storage was changed", idx, cp.Size)
			}
		}
	}
	if !named {
		add(nil, "", "root:"+strconv.FormatUint(cp.Size, 10),
			"the leaves of the log do not give the root of its signed checkpoint of size %d: the log storage was changed", cp.Size)
	}
	return nil
}

// checkChunkRead is a chunk of leaves read for the check: each leaf with
// the audit event it seals and its entry's header, and the decisions the
// chunk's decision leaves name, by id.
type checkChunkRead struct {
	sealed    []*store.SealedAuditEvent
	headers   []entryHeader
	decisions map[string]*aims.Decision
	err       error
}

// readChunks reads the leaves [from, head.Size) a chunk at a time into
// out, and closes it.
func (s *Service) readChunks(ctx context.Context, q store.Querier, head *store.LogHead, from uint64, out chan<- checkChunkRead) {
	defer close(out)
	for lo := from; lo < head.Size; lo += checkChunk {
		var c checkChunkRead
		c.sealed, c.err = store.ReadLeavesForCheck(ctx, q, head, lo, min(lo+checkChunk, head.Size))
		if c.err == nil {
			c.headers = make([]entryHeader, len(c.sealed))
			var ids []string
			for i, l := range c.sealed {
				c.headers[i] = parseEntryHeader(l.Entry)
				if h := c.headers[i]; h.ok && h.Type == ledger.DecisionType && h.ID != "" {
					ids = append(ids, h.ID)
				}
			}
			if len(ids) > 0 {
				c.decisions, c.err = store.FindSealedDecisions(ctx, q, head, ids)
			}
		}
		select {
		case out <- c:
		case <-ctx.Done():
			return
		}
		if c.err != nil {
			return
		}
	}
}

// entryHeader is an entry's type and record id; ok is false when the
// entry is not one aims can read.
type entryHeader struct {
	ledger.EntryHeader
	ok bool
}

// decisionTail ends every decision entry, before its version number and
// closing brace: its keys are sorted, and type and v come last.
var decisionTail = []byte(`,"type":"` + ledger.DecisionType + `","v":`)

func isDecisionEntry(entry []byte) bool {
	i := bytes.LastIndex(entry, decisionTail)
	if i < 0 {
		return false
	}
	rest := entry[i+len(decisionTail):]
	if len(rest) < 2 || rest[len(rest)-1] != '}' {
		return false
	}
	for _, c := range rest[:len(rest)-1] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// parseEntryHeader reads an entry's header. A decision entry is flat (one
// object of strings and numbers, in canonical form), so its id is read
// without decoding the whole entry; whatever this reads is confirmed when
// the decision found by it is encoded again and compared with the entry.
func parseEntryHeader(entry []byte) entryHeader {
	if isDecisionEntry(entry) {
		if i := bytes.Index(entry, []byte(`,"id":"`)); i >= 0 {
			rest := entry[i+len(`,"id":"`):]
			if j := bytes.IndexByte(rest, '"'); j > 0 && bytes.IndexByte(rest[:j], '\\') < 0 {
				return entryHeader{EntryHeader: ledger.EntryHeader{Type: ledger.DecisionType, ID: string(rest[:j])}, ok: true}
			}
		}
	}
	h, err := ledger.ParseEntryHeader(entry)
	return entryHeader{EntryHeader: h, ok: err == nil}
}

// raiseAlert stores a finding as an alert (once) and reports it.
func (s *Service) raiseAlert(ctx context.Context, f LogFinding) (bool, error) {
	a := &aims.LogAlert{LeafIndex: f.LeafIndex, RecordID: f.RecordID, Detail: f.Detail, Fingerprint: f.key}
	var isNew bool
	err := s.transact(ctx, func(tx *store.Tx) error {
		var err error
		isNew, err = store.RaiseLogAlert(ctx, tx, systemScope(f.OrgID, "aims log check"), a)
		return err
	})
	if err != nil {
		return false, err
	}
	if isNew {
		s.tlog.alerts.Inc()
		s.log.ErrorContext(ctx, "tamper-evident log: a record does not match the log", "org", f.OrgID, "record", f.RecordID,
			"leaf", f.LeafIndex, "detail", f.Detail, "alert", a.ID)
	}
	return isNew, nil
}

// checkInterval and checkRecent pace the background check: every minute,
// the last 10,000 leaves of each log.
const (
	checkInterval = time.Minute
	checkRecent   = 10000
)

// RunLogChecker checks the recent leaves of every log every minute until
// ctx ends.
func (s *Service) RunLogChecker(ctx context.Context) {
	t := time.NewTicker(checkInterval)
	defer t.Stop()
	for {
		if _, err := s.GuardLogs(ctx); err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "checking the tamper-evident logs' identity failed", "err", err)
		}
		if _, err := s.CheckLogsAndAlert(ctx, LogCheckOptions{Recent: checkRecent}); err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "checking the tamper-evident log failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// FindLogAlerts lists the tamper alerts of the caller's organization.
func (s *Service) FindLogAlerts(ctx context.Context, open bool, p aims.Page) ([]*aims.LogAlert, int, error) {
	scope, _, err := authz.Authorize(ctx, authz.ReadAudit, "read tamper alerts")
	if err != nil {
		return nil, 0, err
	}
	return store.FindLogAlerts(ctx, s.db, scope, open, p)
}

// OpenLogAlerts counts the caller's organization's unacknowledged tamper
// alerts, for the banner on every page; 0 for callers who may not read the
// audit trail.
func (s *Service) OpenLogAlerts(ctx context.Context) int {
	scope, _, err := authz.Authorize(ctx, authz.ReadAudit, "read tamper alerts")
	if err != nil {
		return 0
	}
	n, err := store.CountOpenLogAlerts(ctx, s.db, scope)
	if err != nil {
		s.log.WarnContext(ctx, "could not count tamper alerts", "err", err)
	}
	return n
}

// AcknowledgeLogAlert marks a tamper alert as seen (admins only); the
// acknowledgement is itself recorded and sealed.
func (s *Service) AcknowledgeLogAlert(ctx context.Context, id string) (*aims.LogAlert, error) {
	scope, _, err := authz.Authorize(ctx, authz.ManageSettings, "acknowledge tamper alerts")
	if err != nil {
		return nil, err
	}
	var a *aims.LogAlert
	err = s.transact(ctx, func(tx *store.Tx) error {
		a, err = store.AcknowledgeLogAlert(ctx, tx, scope, id)
		return err
	})
	return a, err
}
