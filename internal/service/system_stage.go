package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/gate"
	"github.com/aimsproject/aims/internal/store"
)

// An AI system's lifecycle stage is set by a recorded act, never by an edit
// (issue 17; ISO/IEC 42001 A.6.2, A.6.2.5, 8.1). Who may move a system:
//
//   - into deployed (from any stage, resuming from suspended included):
//     the approve permission (an AIMS manager or an admin); the act passes
//     the system deployment gate, the actor's own approval counting toward
//     its approvals check; when a check fails it is refused (409) unless
//     an admin gives an override reason, which flags the system;
//   - into suspended: whoever may stop the system (its owner, an AIMS
//     manager or an admin; A.9.2), in one act;
//   - to any other stage: whoever may edit the system (its owner, a
//     contributor, an AIMS manager or an admin).

// stageActWords names the act a stage edit should use instead, for errors.
const stageActWords = "POST /api/v1/systems/{id}/stage-transitions, or \"Change stage\" on the system's page"

// stageEditConflict is the 409 of an edit that would change a system's
// stage: it names the act to use and, into deployed, the gate to pass.
func stageEditConflict(from, to aims.LifecycleStage) error {
	detail := stageEditDetail(from, to)
	return &aims.Error{Kind: aims.KindConflict,
		Message: fmt.Sprintf("an AI system's stage is changed by a recorded act, not by editing it: to move it from %s to %s, use the stage act",
			strings.ToLower(from.Title()), strings.ToLower(to.Title())),
		Fields: []aims.FieldError{{Field: "lifecycle_stage", Detail: detail}}}
}

// stageEditDetail says which act sets the stage, and into deployed the
// gate to pass.
func stageEditDetail(from, to aims.LifecycleStage) string {
	detail := "is set by the stage act (" + stageActWords + "), not by an edit: it stays " + strings.ToLower(from.Title())
	if to == aims.StageDeployed {
		detail += "; moving into deployed passes the " + gate.SystemDeployment.Title() + " (" + string(gate.SystemDeployment) + ")"
	}
	return detail
}

// TransitionSystemStage records the act that moves an AI system to another
// lifecycle stage (see above for who may). The act, the gate's checks'
// results and who did it are sealed in the log; passing the deployment
// gate clears the system's override flag and what change control re-opened
// of its deployment.
func (s *Service) TransitionSystemStage(ctx context.Context, systemID string, in aims.NewStageTransition) (*aims.AISystem, error) {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if in.OverrideReason != "" && in.To != aims.StageDeployed {
		return nil, invalid("override_reason", "only the move into deployed passes a gate that could be overridden")
	}
	var out *aims.AISystem
	err := s.transact(ctx, func(tx *store.Tx) error {
		readScope, _, err := authz.Authorize(ctx, authz.Read, "change the stage of AI systems")
		if err != nil {
			return err
		}
		before, err := store.FindSystemByID(ctx, tx, readScope, systemID)
		if err != nil {
			return err
		}
		scope, p, err := authorizeStage(ctx, before, in)
		if err != nil {
			return err
		}
		if before.LifecycleStage == in.To {
			return &aims.Error{Kind: aims.KindConflict, Message: fmt.Sprintf("%q is %s already", before.Name, strings.ToLower(in.To.Title())),
				Fields: []aims.FieldError{{Field: "to", Detail: "is the system's stage already"}}}
		}
		t := &aims.StageTransition{SystemID: before.ID, From: before.LifecycleStage, To: in.To, Comment: in.Comment,
			ByID: p.UserID, ByLabel: p.Actor().Label, Checks: []aims.GateCheckResult{}}
		override := before.GateOverride
		if in.To == aims.StageDeployed {
			r, err := s.systemDeploymentGate(ctx, tx, tx.Now(), scope, before.ID, p)
			if err != nil {
				return err
			}
			t.Gate, t.Checks = string(r.Gate), checkResults(r)
			switch {
			case r.Passed:
				override = nil
				if _, err := store.ClearGateReopenings(ctx, tx, scope, before.ID, "", p.UserID,
					"passed the "+gate.SystemDeployment.Title()); err != nil {
					return err
				}
			case in.OverrideReason != "":
				t.OverrideReason = in.OverrideReason
				override = &aims.GateOverride{Reason: in.OverrideReason, By: p.Actor().Label, At: tx.Now()}
			default:
				return gateConflict("AI system "+before.Name, r)
			}
		}
		if err := store.MoveSystemStage(ctx, tx, scope, before, t, override); err != nil {
			return err
		}
		out, err = store.FindSystemByID(ctx, tx, scope, before.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.announceAuthorization(ctx, systemID)
	return out, nil
}

// authorizeStage checks who may make the move in (see above).
func authorizeStage(ctx context.Context, sys *aims.AISystem, in aims.NewStageTransition) (aims.Scope, *authz.Principal, error) {
	switch in.To {
	case aims.StageDeployed:
		scope, p, err := authz.Authorize(ctx, authz.Approve, "deploy AI systems (the system deployment gate)")
		if err != nil {
			return scope, p, err
		}
		if in.OverrideReason != "" && p.Role != aims.RoleAdmin {
			return aims.Scope{}, p, aims.ErrForbidden("override a lifecycle gate (only an admin may)")
		}
		return scope, p, nil
	case aims.StageSuspended:
		return authz.AuthorizeSuspend(ctx, sys.OwnerID, "suspend this AI system")
	}
	return authz.AuthorizeSystemEdit(ctx, sys.OwnerID, "change the stage of this AI system")
}

// systemDeploymentGate evaluates the system deployment gate of a system
// now; p, when set, counts as an approval given at the act.
func (s *Service) systemDeploymentGate(ctx context.Context, q store.Querier, now time.Time, scope aims.Scope, systemID string, p *authz.Principal) (gate.Result, error) {
	w, err := loadGates(ctx, q, scope, systemID, now, s.expiringWindow(ctx, scope))
	if err != nil {
		return gate.Result{}, err
	}
	st := w.systems[systemID]
	f := st.base
	if p != nil {
		f.Approvals = []gate.Approval{{PersonID: p.UserID, Name: p.Actor().Label, Role: p.Role}}
	}
	return gate.Evaluate(w.definition(st, gate.SystemDeployment), f), nil
}

// SystemDeploymentGate evaluates the system deployment gate of a system
// now, as the stage act would with the caller's approval: what the "change
// stage" form shows before it is submitted. Approved says whether the
// caller's own approval counts (they hold the approve permission).
func (s *Service) SystemDeploymentGate(ctx context.Context, systemID string) (gate.Result, error) {
	scope, p, err := authz.Authorize(ctx, authz.Read, "read AI systems")
	if err != nil {
		return gate.Result{}, err
	}
	if _, err := store.FindSystemByID(ctx, s.db, scope, systemID); err != nil {
		return gate.Result{}, err
	}
	if p != nil && !p.Can(authz.Approve) {
		p = nil
	}
	return s.systemDeploymentGate(ctx, s.db, s.db.Now(), scope, systemID, p)
}

// FindStageTransitions lists the stage acts of a system, newest first.
func (s *Service) FindStageTransitions(ctx context.Context, systemID string) ([]*aims.StageTransition, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read AI systems")
	if err != nil {
		return nil, err
	}
	if _, err := store.FindSystemByID(ctx, s.db, scope, systemID); err != nil {
		return nil, err
	}
	return store.FindStageTransitions(ctx, s.db, scope, systemID)
}

// registeredAtGatedStage flags a system registered at the deployed stage:
// aims does not refuse it (inventories of running systems are imported),
// but it did not pass its gate in aims, and says so like a loader's
// override. It returns the act to record after the system's row.
func registeredAtGatedStage(in *aims.AISystem, scope aims.Scope, tx *store.Tx) *aims.StageTransition {
	in.GateOverride = nil
	if in.LifecycleStage != aims.StageDeployed {
		return nil
	}
	a := scope.Actor()
	in.GateOverride = &aims.GateOverride{Reason: aims.RegisteredDeployedReason, By: a.Label, At: tx.Now()}
	return &aims.StageTransition{To: aims.StageDeployed, Gate: string(gate.SystemDeployment),
		OverrideReason: aims.RegisteredDeployedReason, ByID: a.UserID, ByLabel: a.Label, Checks: []aims.GateCheckResult{}}
}
