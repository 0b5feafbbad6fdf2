package service_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/gate"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestSystemStageActs: a stage is set by its act, not by an edit; into
// deployed the act passes the system deployment gate (409 naming every
// failing check), an admin may override with a reason (flagged), nobody
// else; the owner suspends in one act; another organization gets 404; a
// passed gate clears the flag.
func TestSystemStageActs(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newSoAWorld(t, db, "acme")
		owner := w.users[aims.RoleSystemOwner]
		sys := w.f.MustCreateSystem(t, db, storetest.System("Setpoint optimizer", owner.ID))
		ownerCtx, mgr, admin := w.as(aims.RoleSystemOwner), w.as(aims.RoleAIMSManager), w.as(aims.RoleAdmin)

		deployed := aims.StageDeployed
		_, err := w.svc.UpdateSystem(ownerCtx, sys.ID, aims.SystemUpdate{LifecycleStage: &deployed})
		if !aims.IsKind(err, aims.KindConflict) || fieldList(err) != "lifecycle_stage" ||
			!strings.Contains(err.(*aims.Error).Fields[0].Detail, string(gate.SystemDeployment)) ||
			!strings.Contains(err.(*aims.Error).Fields[0].Detail, "stage-transitions") {
			t.Fatalf("PATCH the stage: %v (%s)", err, fieldList(err))
		}
		same := aims.StageDevelopment
		if _, err := w.svc.UpdateSystem(ownerCtx, sys.ID, aims.SystemUpdate{LifecycleStage: &same}); err != nil {
			t.Errorf("an edit that keeps the stage: %v", err)
		}

		move := func(ctx context.Context, to aims.LifecycleStage, override string) (*aims.AISystem, error) {
			return w.svc.TransitionSystemStage(ctx, sys.ID, aims.NewStageTransition{To: to, Comment: "test", OverrideReason: override})
		}
		if _, err := move(ownerCtx, aims.StageVerification, ""); err != nil {
			t.Fatalf("owner to verification: %v", err)
		}
		if _, err := move(ownerCtx, aims.StageVerification, ""); !aims.IsKind(err, aims.KindConflict) {
			t.Errorf("to the stage it is at: %v", err)
		}
		if _, err := move(ownerCtx, aims.StageDeployed, ""); !aims.IsKind(err, aims.KindForbidden) {
			t.Errorf("owner deploys: %v, want forbidden", err)
		}
		_, err = move(mgr, aims.StageDeployed, "")
		if !aims.IsKind(err, aims.KindConflict) || fieldList(err) != "gate/impact_current gate/classification_recorded" ||
			!strings.Contains(err.Error(), "system deployment gate") {
			t.Fatalf("deploy with failing checks: %v (%s)", err, fieldList(err))
		}
		if _, err := move(mgr, aims.StageDeployed, "urgent"); !aims.IsKind(err, aims.KindForbidden) {
			t.Errorf("a manager overrides: %v, want forbidden", err)
		}
		if _, err := move(admin, aims.StageRetired, "why not"); fieldList(err) != "override_reason" {
			t.Errorf("override reason on an ungated move: %v (%s)", err, fieldList(err))
		}
		other := newSoAWorld(t, db, "other")
		if _, err := w.svc.TransitionSystemStage(other.as(aims.RoleAdmin), sys.ID, aims.NewStageTransition{To: aims.StageDeployed, OverrideReason: "x"}); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("another organization moves it: %v, want not found", err)
		}
		if got, _ := w.svc.FindSystemByID(mgr, sys.ID); got.LifecycleStage != aims.StageVerification || got.GateOverride != nil {
			t.Fatalf("refused acts wrote: %+v", got)
		}

		got, err := move(admin, aims.StageDeployed, "commissioning runs tonight; the assessment is signed on paper")
		if err != nil {
			t.Fatal(err)
		}
		if got.LifecycleStage != aims.StageDeployed || got.GateOverride == nil ||
			got.GateOverride.Reason != "commissioning runs tonight; the assessment is signed on paper" || got.GateOverride.By == "" || got.GateOverride.At.IsZero() {
			t.Fatalf("override: %+v %+v", got, got.GateOverride)
		}
		acts, err := w.svc.FindStageTransitions(mgr, sys.ID)
		if err != nil || len(acts) != 2 {
			t.Fatalf("acts: %v %d", err, len(acts))
		}
		if a := acts[0]; a.From != aims.StageVerification || a.To != aims.StageDeployed || a.Gate != string(gate.SystemDeployment) ||
			a.OverrideReason == "" || len(a.Checks) != 4 || a.Checks[0].Passed || a.ByLabel == "" {
			t.Errorf("the override act: %+v", a)
		}

		// The owner stops it in one act; the flag stays.
		if got, err := move(ownerCtx, aims.StageSuspended, ""); err != nil || got.GateOverride == nil {
			t.Fatalf("owner suspends: %v %+v", err, got)
		}
		// A gate of approvals only: resuming into deployed passes it and
		// clears the flag.
		mustDo(t, w.svc.PutGateDefinition(admin, gate.Definition{Gate: gate.SystemDeployment,
			Checks: []gate.Check{{Kind: gate.CheckApprovals, Roles: []aims.Role{aims.RoleAIMSManager}, Quorum: 1}}}))
		got, err = move(mgr, aims.StageDeployed, "")
		if err != nil || got.LifecycleStage != aims.StageDeployed || got.GateOverride != nil {
			t.Fatalf("resume through a passed gate: %v %+v", err, got)
		}
		// Registered at deployed: not refused, flagged.
		reg := storetest.System("Kiln camera", owner.ID)
		reg.LifecycleStage = aims.StageDeployed
		mustDo(t, w.svc.CreateSystem(ownerCtx, reg))
		if got, _ := w.svc.FindSystemByID(mgr, reg.ID); got.GateOverride == nil || got.GateOverride.Reason != aims.RegisteredDeployedReason {
			t.Fatalf("registered as deployed: %+v", got)
		}
		if acts, _ := w.svc.FindStageTransitions(mgr, reg.ID); len(acts) != 1 || acts[0].OverrideReason != aims.RegisteredDeployedReason {
			t.Errorf("registration act: %+v", acts)
		}
		plain := storetest.System("Dust model", owner.ID)
		mustDo(t, w.svc.CreateSystem(ownerCtx, plain))
		if got, _ := w.svc.FindSystemByID(mgr, plain.ID); got.GateOverride != nil {
			t.Errorf("registered in development is flagged: %+v", got.GateOverride)
		}
	})
}
