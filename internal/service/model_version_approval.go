package service

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/gate"
	"github.com/aimsproject/aims/internal/store"
)

// ApproveModelVersion records the act that moves a model version to
// approved (from candidate or validated) or to deployed (from approved):
// who, when, and on what evidence against which acceptance criteria. It
// needs the approve permission (an AIMS manager or an admin): a system's
// owner may not approve what they built (ISO/IEC 42001 A.6.2.4, A.6.2.5).
// The edge authorization answer follows the new status at once.
//
// The act passes the model version's lifecycle gates (package gate): to
// approved, its validation and approval gates; to deployed, its deployment
// gate. When a check fails the act is refused (409, naming the gate and
// every failing check) unless an admin overrides with a reason, which is
// recorded and flagged. The checks' results are sealed with the act.
func (s *Service) ApproveModelVersion(ctx context.Context, systemID, id string, a *aims.ModelVersionApproval) (*aims.ModelVersion, error) {
	return s.approveModelVersion(ctx, systemID, id, a, "")
}

// approveModelVersion is ApproveModelVersion; loaderOverride, when set, is
// the recorded reason a loader moves a version past gates whose checks do
// not hold (CreateReleasedModelVersion).
func (s *Service) approveModelVersion(ctx context.Context, systemID, id string, a *aims.ModelVersionApproval, loaderOverride string) (*aims.ModelVersion, error) {
	scope, p, err := authz.Authorize(ctx, authz.Approve, "approve or deploy model versions")
	if err != nil {
		return nil, err
	}
	a.Normalize()
	if a.OverrideReason != "" && p.Role != aims.RoleAdmin {
		return nil, aims.ErrForbidden("override a lifecycle gate (only an admin may)")
	}
	var out *aims.ModelVersion
	err = s.transact(ctx, func(tx *store.Tx) error {
		if _, err := store.FindSystemByID(ctx, tx, scope, systemID); err != nil {
			return err
		}
		before, err := store.FindModelVersionByID(ctx, tx, scope, systemID, id)
		if err != nil {
			return err
		}
		if err := a.Validate(); err != nil {
			return err
		}
		pass := gatePass{actorID: p.UserID, loaderOverride: loaderOverride,
			approvals: []gate.Approval{{PersonID: p.UserID, Name: p.Actor().Label, Role: p.Role}}}
		if _, err := passGates(ctx, tx, scope, before, a, pass); err != nil {
			return err
		}
		out, err = store.FindModelVersionByID(ctx, tx, scope, systemID, id)
		return err
	})
	return out, err
}

// gatePass says how a model version passes its gates: who approved (the
// one person recording the act, or a gate request's approvers), and for a
// gate request that it completes rather than acts.
type gatePass struct {
	actorID        string
	approvals      []gate.Approval
	loaderOverride string
	// request: a gate request completes; a failing check leaves the
	// version where it is (passGates reports it), and there is no
	// re-validation at the status held.
	request bool
}

// passGates evaluates the gates before (read in tx) passes to reach
// a.Status and, when they hold (or an override applies), records the act a
// that moves it, in tx. It returns the gates' result; moved says whether
// the act was recorded (false only for a gate request whose checks fail).
func passGates(ctx context.Context, tx *store.Tx, scope aims.Scope, before *aims.ModelVersion,
	a *aims.ModelVersionApproval, pass gatePass) (r gate.Result, err error) {
	systemID := before.SystemID
	// Re-validation: an approved or deployed version whose gate a
	// material change re-opened (change control, 8.1) passes its gates
	// again at the status it holds.
	revalidate := !pass.request && a.Status == before.Status && before.Status.SetByApproval()
	if from := aims.ApprovalFrom(a.Status); !revalidate && !statusIn(before.Status, from) {
		return r, &aims.Error{Kind: aims.KindConflict,
			Message: fmt.Sprintf("model version %q is %s: only a %s version can be moved to %s", before.Version,
				before.Status.Title(), statusWords(from), a.Status),
			Fields: []aims.FieldError{{Field: "status", Detail: fmt.Sprintf("cannot move from %s to %s", before.Status, a.Status)}}}
	}
	w, err := loadGates(ctx, tx, scope, systemID, tx.Now(), expiringWindowIn(ctx, tx, scope))
	if err != nil {
		return r, err
	}
	st := w.systems[systemID]
	facts := *st.facts[before.ID]
	facts.Approvals = pass.approvals
	r = gate.EvaluateAll(gatesFor(w, st, before.Status, a.Status, revalidate), facts)
	a.Gate, a.Checks = string(r.Gate), checkResults(r)
	if !r.Passed {
		switch {
		case pass.request:
			return r, errGateHeld
		case a.OverrideReason != "":
		case pass.loaderOverride != "":
			a.OverrideReason = pass.loaderOverride
		default:
			err := gateConflict("model version "+before.Version, r)
			for _, c := range r.Failing() {
				if c.Kind == gate.CheckApprovals {
					err.Message += "; the approvals check counts only the person recording this act: ask for passage by a gate request " +
						"(POST /api/v1/systems/{id}/model-versions/{version_id}/gate-requests) and let the approvers it names decide"
				}
			}
			return r, err
		}
	} else if pass.loaderOverride != "" {
		a.OverrideReason = ""
	}
	// Passing the gates again closes what change control re-opened.
	cleared, err := ClearModelVersionReopenings(ctx, tx, scope, systemID, before.ID, pass.actorID,
		"passed "+strings.ToLower(r.Gate.Title())+" again ("+a.Status.Title()+")")
	if err != nil {
		return r, err
	}
	if revalidate && len(cleared) == 0 {
		return r, &aims.Error{Kind: aims.KindConflict,
			Message: fmt.Sprintf("model version %q is already %s and no gate of it is re-opened: nothing to re-validate", before.Version, strings.ToLower(before.Status.Title())),
			Fields:  []aims.FieldError{{Field: "status", Detail: "is already " + string(before.Status)}}}
	}
	_, err = store.ApproveModelVersion(ctx, tx, scope, before, a)
	return r, err
}

// errGateHeld tells a gate request's completion that a check fails.
var errGateHeld = errors.New("a check of the gate fails")

// gatesFor lists the gates a version with status from passes to reach to:
// to approved, its validation gate (from candidate) and its approval gate;
// to deployed, its deployment gate; when re-validating, every gate up to
// the status held.
func gatesFor(w *gateWorld, st *gateState, from, to aims.ModelVersionStatus, revalidate bool) []gate.Definition {
	var defs []gate.Definition
	switch {
	case revalidate:
		defs = append(defs, w.definition(st, gate.VersionValidation), w.definition(st, gate.VersionApproval))
		if to == aims.ModelDeployed {
			defs = append(defs, w.definition(st, gate.VersionDeployment))
		}
	case to == aims.ModelApproved:
		if from == aims.ModelCandidate {
			defs = append(defs, w.definition(st, gate.VersionValidation))
		}
		defs = append(defs, w.definition(st, gate.VersionApproval))
	default:
		defs = append(defs, w.definition(st, gate.VersionDeployment))
	}
	return defs
}

func statusIn(s aims.ModelVersionStatus, list []aims.ModelVersionStatus) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func statusWords(list []aims.ModelVersionStatus) string {
	words := make([]string, len(list))
	for i, s := range list {
		words[i] = string(s)
	}
	return strings.Join(words, " or ")
}

// checkStatusEdit refuses a status that only an approval act sets, and
// moving an approved or deployed version anywhere but to retired by an
// edit: the approval would stand without the status it granted.
func checkStatusEdit(before, after aims.ModelVersionStatus) error {
	if after == before {
		return nil
	}
	if after.SetByApproval() {
		return &aims.Error{Kind: aims.KindInvalid, Message: "approving and deploying a model version are recorded acts, not edits",
			Fields: []aims.FieldError{{Field: "status", Detail: "is set to " + string(after) +
				" by recording an approval (POST .../model-versions/{version_id}/approvals) with its evidence, acceptance criteria and result"}}}
	}
	if before.SetByApproval() && after != aims.ModelRetired {
		return &aims.Error{Kind: aims.KindInvalid, Message: "an approved or deployed model version can only be retired",
			Fields: []aims.FieldError{{Field: "status", Detail: "may only change from " + string(before) + " to retired"}}}
	}
	return nil
}

// CreateReleasedModelVersion registers a model version that was validated
// elsewhere and records, in turn, the approval act a and, when in.Status is
// deployed, the deployment act on the same evidence: for loaders and
// benchmarks that start from a running model. The caller needs the approve
// permission as well as the right to register model versions.
func (s *Service) CreateReleasedModelVersion(ctx context.Context, in *aims.ModelVersion, a aims.ModelVersionApproval) error {
	target := in.Status
	if !target.SetByApproval() {
		return s.CreateModelVersion(ctx, in)
	}
	if _, _, err := authz.Authorize(ctx, authz.Approve, "approve or deploy model versions"); err != nil {
		return err
	}
	in.Status = aims.ModelValidated
	if err := s.CreateModelVersion(ctx, in); err != nil {
		return err
	}
	for _, to := range []aims.ModelVersionStatus{aims.ModelApproved, aims.ModelDeployed} {
		act := a
		act.Status = to
		m, err := s.approveModelVersion(ctx, in.SystemID, in.ID, &act,
			"registered as already released by a loader: its gate's checks did not all hold in aims")
		if err != nil {
			return err
		}
		*in = *m
		if to == target {
			break
		}
	}
	return nil
}

// ReleaseModelVersion records the approval or deployment act a for a model
// version that a loader registers as already running: when the gate's
// checks do not all hold, the act is kept with an override reason saying
// so (flagged like an admin's), rather than refused.
func (s *Service) ReleaseModelVersion(ctx context.Context, systemID, id string, a *aims.ModelVersionApproval) (*aims.ModelVersion, error) {
	return s.approveModelVersion(ctx, systemID, id, a, "registered as already released by a loader: its gate's checks did not all hold in aims")
}
