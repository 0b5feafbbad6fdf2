package demo_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// demoWithRisk loads the demo organization and its risk register, and
// returns an operator context in it.
func demoWithRisk(t *testing.T, db *store.DB) (*service.Service, context.Context) {
	t.Helper()
	ctx := context.Background()
	svc := service.New(db, slog.New(slog.DiscardHandler))
	if _, err := demo.Ensure(ctx, svc); err != nil {
		t.Fatal(err)
	}
	org, err := svc.ResolveOrganization(ctx, demo.Slug)
	if err != nil {
		t.Fatal(err)
	}
	op := service.OperatorContext(ctx, org, "demo loader")
	if err := demo.SeedRisk(op, svc); err != nil {
		t.Fatal(err)
	}
	return svc, op
}

func TestSeedDemoRisk(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		svc, op := demoWithRisk(t, db)
		all := aims.RiskFilter{Page: aims.Page{Limit: aims.MaxLimit}}
		risks, total, err := svc.FindRisks(op, all)
		if err != nil {
			t.Fatal(err)
		}
		if total < 12 {
			t.Fatalf("%d demo risks, want a dozen", total)
		}
		bySystem := map[string]int{}
		var accepted, withControls, flagged, raised int
		for _, r := range risks {
			bySystem[r.SystemName]++
			if r.Acceptance != nil {
				accepted++
			}
			if len(r.Controls) > 0 {
				withControls++
			}
			if len(r.Issues) > 0 {
				flagged++
			}
			if r.AssessmentID != "" {
				raised++
			}
		}
		for _, name := range []string{"Dewatering setpoint optimizer", "Consumer credit scoring", "CV screening assistant", "Customer service chatbot", "Press section predictive maintenance"} {
			if bySystem[name] == 0 {
				t.Errorf("no demo risk on %s", name)
			}
		}
		if withControls != total || accepted < 3 || flagged != 1 || raised != 1 {
			t.Errorf("demo risks: %d with controls of %d, %d accepted, %d flagged, %d raised from an assessment", withControls, total, accepted, flagged, raised)
		}
		if _, n, _ := svc.FindRisks(op, aims.RiskFilter{Overdue: true}); n == 0 {
			t.Error("no overdue review or action in the demo")
		}
		// One acceptance above appetite, by the AIMS manager.
		high, _, _ := svc.FindRisks(op, aims.RiskFilter{Level: "high", Status: aims.RiskAccepted})
		if len(high) != 1 || !strings.HasPrefix(high[0].Acceptance.By, "manager@demo.example") {
			t.Errorf("accepted high risks = %d, want one accepted by the manager", len(high))
		}

		systems, _, _ := svc.FindSystems(op, aims.SystemFilter{})
		outOfDate := 0
		for _, s := range systems {
			// The optimizer's owner assessed it again when 2.3.0 went live
			// through its gates: its version 2 covers 2.3.0.
			want := 1
			if s.Name == demo.GateSystem {
				want = 2
			}
			sum, err := svc.ImpactSummary(op, s.ID)
			if err != nil || sum.Version != want {
				t.Errorf("%s: impact summary %+v (%v), want a signed-off version %d", s.Name, sum, err, want)
				continue
			}
			if sum.OutOfDate {
				outOfDate++
				if s.Name != "Consumer credit scoring" || !strings.Contains(sum.Reasons[0], "cs-2025.1 was deployed after sign-off") {
					t.Errorf("%s is out of date: %q", s.Name, sum.Reasons)
				}
			}
		}
		if outOfDate != 1 {
			t.Errorf("%d assessments out of date, want the credit scoring one", outOfDate)
		}
		// A second run adds nothing.
		_, eventsBefore, _ := svc.FindAuditEvents(op, aims.AuditFilter{Page: aims.Page{Limit: 1}})
		if err := demo.SeedRisk(op, svc); err != nil {
			t.Fatal(err)
		}
		_, eventsAfter, _ := svc.FindAuditEvents(op, aims.AuditFilter{Page: aims.Page{Limit: 1}})
		if eventsAfter != eventsBefore {
			t.Errorf("a second run wrote %d audit events", eventsAfter-eventsBefore)
		}
	})
}
