package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/store"
)

// signLog signs a checkpoint of the organization's log at its current size
// and returns it; when the latest checkpoint already has that size, it
// returns that one. Before signing it checks, from the stored hashes, that
// the tree is the one the head names and that it extends the last
// checkpoint signed (c2sp.org/tlog-checkpoint: a log must never sign two
// inconsistent checkpoints); it refuses otherwise.
func (s *Service) signLog(ctx context.Context, orgID string) (*store.LogCheckpoint, error) {
	if err := s.logRefused(orgID); err != nil {
		return nil, err
	}
	s.tlog.signMu.Lock()
	defer s.tlog.signMu.Unlock()
	scope := systemScope(orgID, "aims log signer")
	head, err := store.FindLogHead(ctx, s.db, scope)
	if err != nil {
		return nil, err
	}
	key, err := s.pinnedKey(ctx, head)
	if err != nil {
		return nil, err
	}
	prev, err := store.LatestLogCheckpoint(ctx, s.db, head)
	if aims.IsKind(err, aims.KindNotFound) {
		prev = nil
	} else if err != nil {
		return nil, err
	}
	if prev != nil && prev.Size == head.Size && bytes.Equal(prev.Root, head.Root) {
		return prev, nil
	}
	// At most one checkpoint a second: a proof that needs a newer one
	// waits for the second to pass, then gets every leaf sealed by then.
	if prev != nil {
		if wait := time.Until(prev.SignedAt.Add(signInterval)); wait > 0 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(wait):
			}
			if head, err = store.FindLogHead(ctx, s.db, scope); err != nil {
				return nil, err
			}
		}
	}
	if prev != nil && prev.Size == head.Size && bytes.Equal(prev.Root, head.Root) {
		return prev, nil
	}
	next := ledger.Checkpoint{Origin: key.Signer.Name(), Size: head.Size, Root: head.Root}
	if err := s.checkBeforeSigning(ctx, head, key, prev, next); err != nil {
		s.tlog.signRefused.Inc()
		return nil, fmt.Errorf("refused to sign a checkpoint of size %d of the log of organization %s: %w", head.Size, orgID, err)
	}
	note, err := next.Sign(key.Signer)
	if err != nil {
		return nil, err
	}
	cp := &store.LogCheckpoint{Size: next.Size, Root: next.Root, Note: note}
	if err := s.transact(ctx, func(tx *store.Tx) error { return store.SaveLogCheckpoint(ctx, tx, head, cp) }); err != nil {
		return nil, err
	}
	s.tlog.signed.Inc()
	s.kickWitnesses() // the witnesses get it in the background
	// Another replica may have signed this size first: serve what is stored.
	return store.LatestLogCheckpoint(ctx, s.db, head)
}

// pinnedKey returns the signing key of the log, pinning its origin and
// verifier key on first use; a process whose key differs from the pinned
// one refuses to sign (replicas must share AIMS_LOG_KEY).
func (s *Service) pinnedKey(ctx context.Context, head *store.LogHead) (*ledger.OrgKey, error) {
	origin, err := s.logOrigin(ctx, head)
	if err != nil {
		return nil, err
	}
	key, err := s.orgKey(origin)
	if err != nil {
		return nil, err
	}
	// A key configured outside the database is the one the log must have.
	if k := s.configuredKey(origin); k != "" && k != key.VerifierKey {
		s.tlog.signRefused.Inc()
		return nil, fmt.Errorf("the log %s of organization %s is configured (AIMS_LOG_VERIFIER_KEYS) with key %s, but this process holds %s: set the AIMS_LOG_KEY that made it",
			origin, head.OrgID, k, key.VerifierKey)
	}
	if head.VerifierKey == "" {
		err := s.transact(ctx, func(tx *store.Tx) error {
			o, v, err := store.PinLogKey(ctx, tx, head, origin, key.VerifierKey)
			head.Origin, head.VerifierKey = o, v
			return err
		})
		if err != nil {
			return nil, err
		}
		if head.VerifierKey == key.VerifierKey {
			// Printed once, at the log's creation: the key belongs outside
			// the database too.
			s.log.InfoContext(ctx, "the tamper-evident log of an organization has its key: give it to auditors and add it to AIMS_LOG_VERIFIER_KEYS",
				"org", head.OrgID, "origin", head.Origin, "verifier_key", head.VerifierKey)
		}
	}
	if head.VerifierKey != key.VerifierKey {
		s.tlog.signRefused.Inc()
		return nil, fmt.Errorf("the log of organization %s is pinned to key %s, but this process holds %s: give every replica the same AIMS_LOG_KEY",
			head.OrgID, head.VerifierKey, key.VerifierKey)
	}
	return key, nil
}

// checkBeforeSigning recomputes the root from the stored hashes and checks
// it against the head, and checks that the new tree extends prev.
func (s *Service) checkBeforeSigning(ctx context.Context, head *store.LogHead, key *ledger.OrgKey, prev *store.LogCheckpoint, next ledger.Checkpoint) error {
	r := s.reader(head)
	root, err := r.Root(ctx, head.Size)
	if err != nil {
		return err
	}
	if !bytes.Equal(root, head.Root) {
		return errors.New("the stored hashes do not give the head's root: the log storage was changed")
	}
	if prev == nil {
		return nil
	}
	old, err := ledger.OpenCheckpoint(prev.Note, key.Verifier)
	if err != nil {
		return fmt.Errorf("the last checkpoint stored does not verify (%v): the database was changed", err)
	}
	if old.Size > next.Size {
		return fmt.Errorf("the log has %d entries, fewer than the %d of the last checkpoint: entries were removed", next.Size, old.Size)
	}
	p, err := r.ConsistencyProof(ctx, old.Size, next.Size)
	if err != nil {
		return err
	}
	return ledger.CheckExtends(old, next, p)
}

// signInterval is how often the background signer looks for grown logs:
// a checkpoint at most every second while a log grows.
const signInterval = time.Second

// RunLogSigner signs a checkpoint of every log that grew since its last
// one, every second, until ctx ends. It needs the log key (SetLogKey).
func (s *Service) RunLogSigner(ctx context.Context) {
	if !s.HasLogKey() {
		return
	}
	t := time.NewTicker(signInterval)
	defer t.Stop()
	var lastErr string
	var lastLogged time.Time
	for {
		// The same failure (a replica holding another key, say) is logged
		// once a minute, not every second.
		if err := s.SignGrownLogs(ctx); err != nil && ctx.Err() == nil {
			if err.Error() != lastErr || time.Since(lastLogged) > time.Minute {
				s.log.ErrorContext(ctx, "signing checkpoints failed", "err", err)
				lastErr, lastLogged = err.Error(), time.Now()
			}
		} else {
			lastErr = ""
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// SignGrownLogs signs a checkpoint of each log larger than its latest
// checkpoint. A log that cannot be signed does not stop the others.
func (s *Service) SignGrownLogs(ctx context.Context) error {
	heads, err := store.ListLogHeads(ctx, s.db)
	if err != nil {
		return err
	}
	var errs []error
	for _, h := range heads {
		cp, err := store.LatestLogCheckpoint(ctx, s.db, h)
		if err == nil && cp.Size >= h.Size {
			continue
		}
		if err != nil && !aims.IsKind(err, aims.KindNotFound) {
			errs = append(errs, err)
			continue
		}
		if _, err := s.signLog(ctx, h.OrgID); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// HasLogKey reports whether this process can sign checkpoints.
func (s *Service) HasLogKey() bool {
	s.tlog.mu.Lock()
	defer s.tlog.mu.Unlock()
	return s.tlog.master != nil
}

// SealEarlierEvents creates the log of every organization that has none
// yet, sealing the audit events written before the log existed. An
// organization whose log was opened before and is gone is left refused
// (see GuardLogs), not given a new log.
func (s *Service) SealEarlierEvents(ctx context.Context) error {
	orgs, err := store.OrganizationsWithoutLog(ctx, s.db)
	if err != nil {
		return err
	}
	for _, id := range orgs {
		if s.db.LogRefusal(id) != "" {
			continue // GuardLogs said why
		}
		scope := systemScope(id, "aims log")
		err := s.transact(ctx, func(tx *store.Tx) error { return store.OpenLog(ctx, tx, scope) })
		if aims.IsKind(err, aims.KindUnavailable) {
			// A log gone after it was opened is not created again.
			s.log.ErrorContext(ctx, "tamper-evident log refused", "org", id, "err", err)
			continue
		}
		if err != nil {
			return err
		}
		s.log.InfoContext(ctx, "sealed the earlier audit events of an organization in its new log", "org", id)
	}
	return nil
}

// AppendLogEntries appends entries to the caller's organization's log in
// one transaction and returns the index of the first. Only the host's
// operator may (benchmarks, tools); capabilities that seal records of
// their own call store.AppendLeaves in their transaction.
func (s *Service) AppendLogEntries(ctx context.Context, leaves []store.Leaf) (uint64, error) {
	scope, p, err := authz.Authorize(ctx, authz.Edit, "append to the log")
	if err != nil {
		return 0, err
	}
	if !p.Operator {
		return 0, aims.ErrForbidden("append to the log directly")
	}
	var first uint64
	err = s.transact(ctx, func(tx *store.Tx) error {
		first, err = store.AppendLeaves(ctx, tx, scope, leaves)
		return err
	})
	return first, err
}
