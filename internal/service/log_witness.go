package service

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/witness"
)

// witnessHTTP submits checkpoints to witnesses: a witness that does not
// answer in time is tried again at the next round.
var witnessHTTP = &http.Client{Timeout: 15 * time.Second}

// witnessInterval is how often the submitter looks for checkpoints no
// witness has cosigned yet, besides being woken by each new checkpoint.
const witnessInterval = 10 * time.Second

// ListLogWitnesses lists the witnesses of the caller's organization's log,
// with what each last answered.
func (s *Service) ListLogWitnesses(ctx context.Context) ([]*aims.LogWitness, error) {
	scope, _, err := authz.Authorize(ctx, authz.ReadLog, "list the log's witnesses")
	if err != nil {
		return nil, err
	}
	return store.FindLogWitnesses(ctx, s.db, scope)
}

// AddLogWitness adds a witness the organization's checkpoints are
// submitted to; its name is its key's.
func (s *Service) AddLogWitness(ctx context.Context, in *aims.LogWitness) (*aims.LogWitness, error) {
	scope, _, err := authz.Authorize(ctx, authz.ManageSettings, "configure the log's witnesses")
	if err != nil {
		return nil, err
	}
	w := &aims.LogWitness{URL: in.URL, VerifierKey: in.VerifierKey}
	w.Normalize()
	var v aims.Validation
	w.Validate(&v)
	if w.VerifierKey != "" {
		if wv, err := witness.NewVerifier(w.VerifierKey); err != nil {
			v.Add("verifier_key", "is not a witness verifier key name+hash+base64 (print it with 'aims witness key')")
		} else {
			w.Name = wv.Name()
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	err = s.transact(ctx, func(tx *store.Tx) error { return store.CreateLogWitness(ctx, tx, scope, w) })
	if err != nil {
		return nil, err
	}
	s.kickWitnesses()
	return w, nil
}

// RemoveLogWitness stops submitting checkpoints to a witness; the
// cosignatures it gave stay with their checkpoints.
func (s *Service) RemoveLogWitness(ctx context.Context, id string) error {
	scope, _, err := authz.Authorize(ctx, authz.ManageSettings, "configure the log's witnesses")
	if err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error { return store.DeleteLogWitness(ctx, tx, scope, id) })
}

// LogSettings returns the caller's organization's log settings.
func (s *Service) LogSettings(ctx context.Context) (*aims.LogSettings, error) {
	scope, _, err := authz.Authorize(ctx, authz.ReadLog, "read the log's settings")
	if err != nil {
		return nil, err
	}
	return store.FindLogSettings(ctx, s.db, scope.OrgID())
}

// SetLogSettings changes the caller's organization's log settings.
func (s *Service) SetLogSettings(ctx context.Context, in *aims.LogSettings) (*aims.LogSettings, error) {
	scope, _, err := authz.Authorize(ctx, authz.ManageSettings, "change the log's settings")
	if err != nil {
		return nil, err
	}
	out := &aims.LogSettings{PublicCheckpoints: in.PublicCheckpoints}
	if err := s.transact(ctx, func(tx *store.Tx) error { return store.SaveLogSettings(ctx, tx, scope, out) }); err != nil {
		return nil, err
	}
	return out, nil
}

// kickWitnesses wakes the submitter (a new checkpoint or witness); it
// never blocks.
func (s *Service) kickWitnesses() {
	select {
	case s.tlog.witnessKick <- struct{}{}:
	default:
	}
}

// RunWitnessSubmitter submits each new checkpoint to the organization's
// witnesses until ctx ends: woken by every checkpoint signed, and every
// witnessInterval to retry the ones that failed. Appends never wait for
// it.
func (s *Service) RunWitnessSubmitter(ctx context.Context) {
	t := time.NewTicker(witnessInterval)
	defer t.Stop()
	for {
		if err := s.SubmitToWitnesses(ctx); err != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "submitting checkpoints to witnesses failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.tlog.witnessKick:
		}
	}
}

// SubmitToWitnesses submits the latest checkpoint of every log to each of
// its witnesses that has not cosigned it, and stores the cosignatures. A
// witness that fails does not stop the others; its failure is recorded in
// its status, and a refusal (the checkpoint is inconsistent with one the
// witness cosigned) raises a tamper alert.
func (s *Service) SubmitToWitnesses(ctx context.Context) error {
	all, err := store.FindAllLogWitnesses(ctx, s.db)
	if err != nil {
		return err
	}
	var errs []error
	for orgID, ws := range all {
		errs = append(errs, s.submitOrg(ctx, orgID, ws, witnessInterval))
	}
	return errors.Join(errs...)
}

// SubmitCheckpointNow signs a checkpoint of the caller's organization's log
// when it grew (with the log key), submits the latest checkpoint to each
// of its witnesses that has not cosigned it, and returns the witnesses
// with what each answered ('aims witness submit').
func (s *Service) SubmitCheckpointNow(ctx context.Context) ([]*aims.LogWitness, error) {
	scope, _, err := authz.Authorize(ctx, authz.ManageSettings, "submit checkpoints to witnesses")
	if err != nil {
		return nil, err
	}
	if s.HasLogKey() {
		if _, err := s.signLog(ctx, scope.OrgID()); err != nil {
			return nil, err
		}
	}
	ws, err := store.FindLogWitnesses(ctx, s.db, scope)
	if err != nil {
		return nil, err
	}
	serr := s.submitOrg(ctx, scope.OrgID(), ws, 0)
	ws, err = store.FindLogWitnesses(ctx, s.db, scope)
	if err != nil {
		return nil, err
	}
	return ws, serr
}

// submitOrg submits the latest checkpoint of one organization's log to
// its witnesses; a witness that failed less than retryAfter ago is left
// alone (the background submitter runs after every checkpoint).
func (s *Service) submitOrg(ctx context.Context, orgID string, ws []*aims.LogWitness, retryAfter time.Duration) error {
	head, err := store.FindLogHead(ctx, s.db, systemScope(orgID, "aims log witnesses"))
	if aims.IsKind(err, aims.KindNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	latest, err := store.LatestLogCheckpoint(ctx, s.db, head)
	if aims.IsKind(err, aims.KindNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	var errs []error
	for _, w := range ws {
		if st := w.Status; st != nil && st.Error != "" && time.Since(st.UpdatedAt) < retryAfter {
			continue
		}
		if err := s.submitToWitness(ctx, head, latest, w); err != nil {
			errs = append(errs, fmt.Errorf("witness %s of organization %s: %w", w.Name, orgID, err))
		}
	}
	return errors.Join(errs...)
}

// submitToWitness brings one witness up to the latest checkpoint: from the
// size it last cosigned (or, on a 409, the size it says it has).
func (s *Service) submitToWitness(ctx context.Context, head *store.LogHead, latest *store.LogCheckpoint, w *aims.LogWitness) error {
	wv, err := witness.NewVerifier(w.VerifierKey)
	if err != nil {
		return s.witnessFailed(ctx, head, latest, w, err, false, 0)
	}
	old, err := store.LatestCosignedSize(ctx, s.db, head, w.VerifierKey)
	if err != nil {
		return err
	}
	if old >= latest.Size && (w.Status == nil || !w.Status.Refused) {
		return nil
	}
	tried := map[uint64]bool{}
	for {
		if old > latest.Size {
			return s.witnessFailed(ctx, head, latest, w, fmt.Errorf(
				"the witness has cosigned a checkpoint of size %d, larger than this log's latest (%d): the log was rebuilt or rolled back", old, latest.Size), true, old)
		}
		tried[old] = true
		req := witness.Request{OldSize: old, Checkpoint: latest.Note}
		if old > 0 && old < latest.Size {
			if req.Proof, err = s.reader(head).ConsistencyProof(ctx, old, latest.Size); err != nil {
				return err
			}
		}
		line, err := witness.Submit(ctx, witnessHTTP, w.URL, wv, req)
		var conflict *witness.ConflictError
		var refused *witness.RefusedError
		switch {
		case errors.As(err, &conflict) && !tried[conflict.Size]:
			old = conflict.Size // the witness knows another size: prove from it
			continue
		case errors.As(err, &conflict):
			return s.witnessFailed(ctx, head, latest, w, fmt.Errorf(
				"the witness holds another checkpoint of size %d than this log's: the log was rebuilt or forked", conflict.Size), true, conflict.Size)
		case errors.As(err, &refused):
			return s.witnessFailed(ctx, head, latest, w, err, refused.Fork(), old)
		case err != nil:
			return s.witnessFailed(ctx, head, latest, w, err, false, 0)
		}
		return s.transact(ctx, func(tx *store.Tx) error {
			if err := store.SaveLogCosignature(ctx, tx, head, latest.Size, w.VerifierKey, line); err != nil {
				return err
			}
			return store.SetLogWitnessStatus(ctx, tx, head.OrgID, w.ID, "", false, 0)
		})
	}
}

// witnessFailed records a witness's failure; a refusal also raises a
// tamper alert (once per witness and checkpoint size).
func (s *Service) witnessFailed(ctx context.Context, head *store.LogHead, latest *store.LogCheckpoint, w *aims.LogWitness, cause error, refused bool, witnessSize uint64) error {
	if !refused && w.Status != nil && w.Status.Refused {
		// A witness that refused and is now unreachable has not taken its
		// refusal back: it stays a finding until it cosigns.
		// Its status keeps the refusal; the new failure is returned.
		return fmt.Errorf("%w (it refused before: %s)", cause, w.Status.Error)
	}
	err := s.transact(ctx, func(tx *store.Tx) error {
		return store.SetLogWitnessStatus(ctx, tx, head.OrgID, w.ID, cause.Error(), refused, witnessSize)
	})
	if err != nil {
		return err
	}
	if refused {
		f := witnessFinding(head.OrgID, w, latest.Size, witnessSize, cause.Error())
		if _, err := s.raiseAlert(ctx, f); err != nil {
			return err
		}
	}
	return cause
}

// witnessFinding is a witness's refusal as a finding of the log check: one
// alert per witness and checkpoint it holds, however long the log grows
// while the witness refuses.
func witnessFinding(orgID string, w *aims.LogWitness, size, witnessSize uint64, detail string) LogFinding {
	return LogFinding{OrgID: orgID, RecordID: "witness " + w.Name,
		Detail: fmt.Sprintf("witness %s refused to cosign the checkpoint of size %d: %s", w.Name, size, detail),
		key:    fmt.Sprintf("witness-refused:%s:%d", w.ID, witnessSize)}
}

// witnessFindings reports the witnesses of a log whose last answer was a
// refusal: 'aims log check' lists them with the other findings.
func (s *Service) witnessFindings(ctx context.Context, head *store.LogHead) ([]LogFinding, error) {
	ws, err := store.FindLogWitnesses(ctx, s.db, systemScope(head.OrgID, "aims log check"))
	if err != nil {
		return nil, err
	}
	latest, err := store.LatestLogCheckpoint(ctx, s.db, head)
	if aims.IsKind(err, aims.KindNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []LogFinding
	for _, w := range ws {
		if w.Status != nil && w.Status.Refused {
			out = append(out, witnessFinding(head.OrgID, w, latest.Size, w.Status.RefusedFrom, w.Status.Error))
		}
	}
	return out, nil
}

// withCosignatures appends the stored cosignatures of the checkpoint to
// its signed note.
func (s *Service) withCosignatures(ctx context.Context, head *store.LogHead, cp *store.LogCheckpoint) ([]byte, error) {
	sigs, err := store.FindLogCosignatures(ctx, s.db, head, cp.Size, cp.Size)
	if err != nil {
		return nil, err
	}
	return appendCosignatures(cp.Note, sigs[cp.Size]), nil
}

func appendCosignatures(note []byte, sigs []store.Cosignature) []byte {
	lines := make([][]byte, len(sigs))
	for i, c := range sigs {
		lines[i] = c.Line
	}
	return witness.AppendSignatures(note, lines...)
}

// bestCosigned returns, among checkpoints (by size, ascending), the index
// of the latest one cosigned by the most of the organization's current
// witnesses; -1 when the organization has no witness or none cosigned.
func bestCosigned(cps []*store.LogCheckpoint, sigs map[uint64][]store.Cosignature, ws []*aims.LogWitness) int {
	keys := map[string]bool{}
	for _, w := range ws {
		keys[w.VerifierKey] = true
	}
	best, most := -1, 0
	for i, c := range cps {
		n := 0
		for _, sig := range sigs[c.Size] {
			if keys[sig.VerifierKey] {
				n++
			}
		}
		if n > 0 && n >= most {
			best, most = i, n
		}
	}
	return best
}
