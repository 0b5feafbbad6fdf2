package demo_test

import (
	"context"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestSeedDemoDecisions seeds the demo optimizer's decisions into the demo
// organization: thousands of decisions with overrides, a suspension and a
// resume in its history, every decision sealed; seeding again adds none.
func TestSeedDemoDecisions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := service.New(db, nil)
		if _, err := demo.Ensure(ctx, svc); err != nil {
			t.Fatal(err)
		}
		org, err := svc.ResolveOrganization(ctx, demo.Slug)
		if err != nil {
			t.Fatal(err)
		}
		octx := service.OperatorContext(ctx, org, "test")
		if err := demo.SeedDecisions(octx, svc); err != nil {
			t.Fatal(err)
		}
		list, _, err := svc.FindSystems(octx, aims.SystemFilter{Search: "setpoint optimizer"})
		if err != nil || len(list) != 1 {
			t.Fatalf("optimizer: %v %d", err, len(list))
		}
		opt := list[0]
		_, total, err := svc.FindDecisions(octx, opt.ID, aims.DecisionFilter{})
		if err != nil || total < 3000 {
			t.Fatalf("%d demo decisions (%v), want a few thousand", total, err)
		}
		_, overrides, _ := svc.FindDecisions(octx, opt.ID, aims.DecisionFilter{Human: aims.HumanOverridden})
		if overrides < 100 || overrides > total/4 {
			t.Errorf("%d overrides of %d decisions", overrides, total)
		}
		hist, _, err := svc.FindSuspensions(octx, opt.ID, false, aims.Page{})
		if err != nil || len(hist) != 1 || hist[0].ResumedAt == nil {
			t.Errorf("history %+v (%v), want one suspension, resumed", hist, err)
		}
		a, err := svc.Authorization(octx, opt.ID, "2.3.0")
		if err != nil || !a.Authorized {
			t.Errorf("after the demo's resume: %+v %v", a, err)
		}
		// Issue 17: the candidate is blocked at its validation gate, and the
		// edge is told which checks fail.
		rc, err := svc.Authorization(octx, opt.ID, "2.4.0-rc1")
		want := "model version 2.4.0-rc1 has not passed its validation gate: mae 0.41 kg/t does not meet mae <= 0.35 kg/t; " +
			"validation report of model version 2.4.0-rc1 missing"
		if err != nil || rc.Authorized || rc.Reason != want {
			t.Errorf("2.4.0-rc1: authorized %v, reason %q (%v); want not authorized, %q", rc.Authorized, rc.Reason, err, want)
		}
		versions, _, err := svc.FindModelVersions(octx, opt.ID, aims.ModelVersionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range versions {
			if v.Version != "2.3.0" {
				continue
			}
			gates, err := svc.ModelVersionGates(octx, opt.ID, v.ID)
			if err != nil || !gates[0].Passed {
				t.Errorf("2.3.0's validation gate: %+v (%v), want passed", gates, err)
			}
			if len(v.Approvals) == 0 || v.Approvals[0].Status != aims.ModelApproved || len(v.Approvals[0].Checks) == 0 {
				t.Errorf("2.3.0's approval %+v, want one with its gates' checks", v.Approvals)
			}
		}
		if err := demo.SeedDecisions(octx, svc); err != nil {
			t.Fatal(err)
		}
		if _, again, _ := svc.FindDecisions(octx, opt.ID, aims.DecisionFilter{}); again != total {
			t.Errorf("seeding again: %d decisions, want %d", again, total)
		}
	})
}
