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
}

// checkChunk is how many leaves a check reads at a time.
const checkChunk = 4096

// CheckLogs recomputes the leaves of stored audit events and decision
// events and compares them with the log: each record must still encode to
// the entry its leaf holds, each leaf must be in the latest signed
// checkpoint, no sealed record may be missing and no record may be
// unsealed; a decision's payload must match the salted digest its leaf
// seals, unless it was erased on request (counted, not a finding). Each
// new finding raises an alert (shown to admins and auditors, logged as an
// error, counted in /metrics).
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
	broken := map[string]bool{}
	for _, f := range identity {
		broken[f.OrgID] = true
	}
	for _, h := range heads {
		if opts.OrgID != "" && h.OrgID != opts.OrgID {
			continue
		}
		if broken[h.OrgID] || s.db.LogRefusal(h.OrgID) != "" {
			continue // reported above; its alerts could not be sealed
		}
		rep.Logs++
		findings, leaves, err := s.checkLog(ctx, h, opts.Recent, rep)
		if err != nil {
			return rep, fmt.Errorf("check the log of organization %s: %w", h.OrgID, err)
		}
		rep.Leaves += leaves
		refusals, err := s.witnessFindings(ctx, h)
		if err != nil {
			return rep, err
		}
		findings = append(findings, refusals...)
		for _, f := range findings {
			isNew, err := s.raiseAlert(ctx, f)
			if err != nil {
				return rep, err
			}
			if isNew {
				rep.NewAlerts++
			}
			rep.Findings = append(rep.Findings, f)
		}
	}
	return rep, nil
}

func (s *Service) checkLog(ctx context.Context, head *store.LogHead, recent uint64, rep *LogCheckReport) ([]LogFinding, uint64, error) {
	from := uint64(0)
	if recent > 0 && head.Size > recent {
		from = head.Size - recent
	}
	var out []LogFinding
	add := func(index *uint64, record, key, format string, args ...any) {
		out = append(out, LogFinding{OrgID: head.OrgID, LeafIndex: index, RecordID: record, Detail: fmt.Sprintf(format, args...), key: key})
	}
	// A cache of this check's own: what it reads comes from the database
	// now, not from tiles another request read before a change.
	r := ledger.NewReader("check", head.Size, logSource{s.db, head}, ledger.NewCache(1024))
	var cp *ledger.Checkpoint
	if key, err := s.logVerifier(ctx, head); err == nil {
		if stored, err := store.LatestLogCheckpoint(ctx, s.db, head); err == nil {
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
		return nil, 0, err
	}
	var since time.Time
	sealedDecisions := map[string]uint64{} // decision id -> its leaf
	for lo := from; lo < head.Size; lo += checkChunk {
		sealed, err := store.FindSealedAuditEvents(ctx, s.db, head, lo, min(lo+checkChunk, head.Size))
		if err != nil {
			return nil, 0, err
		}
		decisions, err := s.decisionsOf(ctx, head, sealed)
		if err != nil {
			return nil, 0, err
		}
		for _, l := range sealed {
			idx := l.Index
			if !bytes.Equal(ledger.LeafHash(l.Entry), l.Hash) {
				add(&idx, l.Ref, "entry:"+strconv.FormatUint(idx, 10), "leaf %d: its stored entry does not match its stored hash: the log storage was changed", idx)
				continue
			}
			leafHash := l.Hash
			h, err := ledger.ParseEntryHeader(l.Entry)
			if err == nil && h.Type == ledger.DecisionType {
				rep.Decisions++
				d := decisions[h.ID]
				if d == nil {
					add(&idx, h.ID, "missing:"+h.ID, "decision %s, sealed at leaf %d, is missing from the decisions: it was deleted in the database", h.ID, idx)
					continue
				}
				sealedDecisions[d.ID] = d.LogIndex
				entry, err := ledger.EncodeDecision(head.OrgID, d)
				if err != nil {
					return nil, 0, err
				}
				if !bytes.Equal(entry, l.Entry) || d.LogIndex != idx {
					add(&idx, d.ID, "changed:"+d.ID, "decision %s (%s #%d of system %s, made at %s) no longer matches leaf %d: it was changed in the database",
						d.ID, d.Source, d.Seq, d.SystemID, d.SourceTime.Format(ledger.TimeFormat), idx)
					continue
				}
				switch {
				case d.Payload == nil && d.Salt == nil && d.ErasedAt != nil:
					rep.ErasedPayloads++ // erased on request: nothing to check the digest against
				case d.Payload == nil || d.Salt == nil:
					add(&idx, d.ID, "payload:"+d.ID, "decision %s: its payload or salt is gone but no erasure was recorded: it was deleted in the database", d.ID)
				case ledger.SaltedDigest(d.Salt, d.Payload) != d.PayloadDigest:
					add(&idx, d.ID, "payload:"+d.ID, "decision %s: its payload no longer matches the salted digest sealed at leaf %d: it was changed in the database", d.ID, idx)
				}
			}
			if err == nil && h.Type == ledger.AuditEventType {
				if l.Event == nil {
					add(&idx, h.ID, "missing:"+h.ID, "audit event %s, sealed at leaf %d, is missing from the audit trail: it was deleted in the database", h.ID, idx)
					continue
				}
				if since.IsZero() && from > 0 {
					since = l.Event.OccurredAt
				}
				entry, err := ledger.EncodeAuditEvent(head.OrgID, l.Event)
				if err != nil {
					return nil, 0, err
				}
				if !bytes.Equal(entry, l.Entry) {
					ev := l.Event
					add(&idx, ev.ID, "changed:"+ev.ID,
						"audit event %s (%s of %s %s %q by %s at %s) no longer matches leaf %d: it was changed in the database",
						ev.ID, ev.Action, ev.EntityType, ev.EntityID, ev.EntityLabel, ev.Actor.Label, ev.OccurredAt.Format(ledger.TimeFormat), idx)
					continue
				}
				leafHash = ledger.LeafHash(entry)
			}
			if cp == nil || idx >= cp.Size {
				continue
			}
			p, err := r.InclusionProof(ctx, idx, cp.Size)
			if err == nil {
				err = ledger.VerifyInclusion(idx, cp.Size, leafHash, p, cp.Root)
			}
			if err != nil {
				add(&idx, l.Ref, "excluded:"+strconv.FormatUint(idx, 10),
					"leaf %d (record %s) is not in the signed checkpoint of size %d: the log storage was changed", idx, l.Ref, cp.Size)
			}
		}
	}
	if from == 0 {
		// A full check: every decision row must be one a leaf seals.
		unsealed, err := store.FindUnsealedDecisions(ctx, s.db, head, sealedDecisions)
		if err != nil {
			return nil, 0, err
		}
		for _, id := range unsealed {
			add(nil, id, "unsealed:"+id, "decision %s is stored but no leaf of the log seals it: it was inserted or moved in the database around aims", id)
		}
	}
	if from > 0 && since.IsZero() {
		// No audit event among the recent leaves: leave the search for
		// unsealed rows to a full check rather than scan the whole trail.
		return out, head.Size - from, nil
	}
	unsealed, err := store.FindUnsealedAuditEvents(ctx, s.db, head, since)
	if err != nil {
		return nil, 0, err
	}
	for _, id := range unsealed {
		add(nil, id, "unsealed:"+id, "audit event %s is in the audit trail but not in the log: it was inserted in the database around aims", id)
	}
	return out, head.Size - from, nil
}

// decisionsOf reads the decisions that the decision leaves among sealed
// name (by the record id in each entry).
func (s *Service) decisionsOf(ctx context.Context, head *store.LogHead, sealed []*store.SealedAuditEvent) (map[string]*aims.Decision, error) {
	var ids []string
	for _, l := range sealed {
		if h, err := ledger.ParseEntryHeader(l.Entry); err == nil && h.Type == ledger.DecisionType && h.ID != "" {
			ids = append(ids, h.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return store.FindSealedDecisions(ctx, s.db, head, ids)
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
		if _, err := s.CheckLogs(ctx, LogCheckOptions{Recent: checkRecent}); err != nil && ctx.Err() == nil {
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
