package service

import (
	"context"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/store"
)

// LogStatus is what the log page shows: the latest checkpoint, the key to
// verify it with, and the state of the checks.
type LogStatus struct {
	OrgSlug     string
	Origin      string
	Size        uint64
	Checkpoint  []byte // the latest signed checkpoint, as text; nil before the first
	SignedSize  uint64
	VerifierKey string
	OpenAlerts  int
	Alerts      []*aims.LogAlert // the open alerts, for those who may read them
}

// LogStatus describes the caller's organization's log.
func (s *Service) LogStatus(ctx context.Context) (*LogStatus, error) {
	_, p, err := authz.Authorize(ctx, authz.ReadLog, "read the tamper-evident log")
	if err != nil {
		return nil, err
	}
	st := &LogStatus{OrgSlug: p.OrgSlug}
	_, head, err := s.authorizeLog(ctx, "")
	if aims.IsKind(err, aims.KindNotFound) {
		return st, nil
	}
	if err != nil {
		return nil, err
	}
	st.Size, st.Origin = head.Size, head.Origin
	if k, err := s.logVerifier(ctx, head); err == nil {
		st.VerifierKey, st.Origin = k.VerifierKey, k.Verifier.Name()
	}
	if cp, err := store.LatestLogCheckpoint(ctx, s.db, head); err == nil {
		st.Checkpoint, st.SignedSize = cp.Note, cp.Size
	} else if !aims.IsKind(err, aims.KindNotFound) {
		return nil, err
	}
	if p.Can(authz.ReadAudit) {
		st.Alerts, st.OpenAlerts, err = s.FindLogAlerts(ctx, true, aims.Page{Limit: 50})
		if err != nil {
			return nil, err
		}
	}
	return st, nil
}

// LogVerifierKey returns the verifier key of the caller's organization's
// log (name+hash+base64), derived from this process's key and checked
// against the one the log is pinned to.
func (s *Service) LogVerifierKey(ctx context.Context) (string, error) {
	_, p, err := authz.Authorize(ctx, authz.ReadLog, "read the tamper-evident log")
	if err != nil {
		return "", err
	}
	_, head, err := s.authorizeLog(ctx, "")
	if aims.IsKind(err, aims.KindNotFound) {
		origin, err := s.newLogOrigin(ctx, p.OrgID)
		if err != nil {
			return "", err
		}
		k, err := s.orgKey(origin)
		if err != nil {
			return "", err
		}
		return k.VerifierKey, nil
	}
	if err != nil {
		return "", err
	}
	k, err := s.logVerifier(ctx, head)
	if err != nil {
		return "", err
	}
	return k.VerifierKey, nil
}

// ExportLog writes the caller's organization's log, up to its latest
// signed checkpoint (signing one first when the log has grown and this
// process has the key), into dir as a tlog-tiles bundle that `aims log
// verify` checks offline. progress, when set, is told the entries written.
func (s *Service) ExportLog(ctx context.Context, dir string, progress func(done, total uint64)) (*ledger.Checkpoint, error) {
	scope, head, err := s.authorizeLog(ctx, "")
	if err != nil {
		return nil, err
	}
	if _, err := s.signLog(ctx, head.OrgID); err != nil && !aims.IsKind(err, aims.KindUnavailable) {
		return nil, err
	}
	latest, err := store.LatestLogCheckpoint(ctx, s.db, head)
	if aims.IsKind(err, aims.KindNotFound) {
		return nil, aims.Errorf(aims.KindUnavailable, "the log has no signed checkpoint yet: start 'aims serve' (which signs) or set AIMS_LOG_KEY")
	}
	if err != nil {
		return nil, err
	}
	if head, err = store.FindLogHead(ctx, s.db, systemScope(head.OrgID, "aims log export")); err != nil {
		return nil, err
	}
	key, err := s.logVerifier(ctx, head)
	if err != nil {
		return nil, err
	}
	cp, err := ledger.OpenCheckpoint(latest.Note, key.Verifier)
	if err != nil {
		return nil, fmt.Errorf("the latest checkpoint does not verify with the log's key: %w", err)
	}
	cps, err := store.ListLogCheckpoints(ctx, s.db, head, latest.Size)
	if err != nil {
		return nil, err
	}
	// With witnesses, the pack ends at the latest checkpoint most of them
	// cosigned (entries sealed since go in the next pack), and every
	// checkpoint carries its cosignatures.
	sigs, err := store.FindLogCosignatures(ctx, s.db, head, 0, latest.Size)
	if err != nil {
		return nil, err
	}
	ws, err := store.FindLogWitnesses(ctx, s.db, scope)
	if err != nil {
		return nil, err
	}
	if i := bestCosigned(cps, sigs, ws); i >= 0 && i < len(cps)-1 {
		cps, latest = cps[:i+1], cps[i]
		if cp, err = ledger.OpenCheckpoint(latest.Note, key.Verifier); err != nil {
			return nil, fmt.Errorf("the cosigned checkpoint of size %d does not verify with the log's key: %w", latest.Size, err)
		}
	}
	notes := make([][]byte, len(cps))
	for i, c := range cps {
		notes[i] = appendCosignatures(c.Note, sigs[c.Size])
	}
	b := ledger.Bundle{
		VerifierKey: key.VerifierKey, Checkpoints: notes, Size: latest.Size,
		Tree: ledger.NewReader("export", latest.Size, logSource{s.db, head}, ledger.NewCache(64)),
		Entries: func(ctx context.Context, from, to uint64) ([][]byte, error) {
			return store.ReadLogEntries(ctx, s.db, head, from, to)
		},
	}
	if progress != nil {
		b.Progress = func(done uint64) { progress(done, latest.Size) }
	}
	if err := ledger.WriteBundle(ctx, dir, b); err != nil {
		return nil, err
	}
	return &cp, nil
}
