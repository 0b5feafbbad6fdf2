package demo_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestDemoSupplierDiligence: the demo's suppliers are rated and scored
// against the questionnaire, and the chatbot platform's overdue review
// shows on the customer service chatbot it supplies.
func TestDemoSupplierDiligence(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := service.New(db, slog.New(slog.DiscardHandler))
		_, err := demo.Ensure(ctx, svc)
		must(t, err)
		org, err := svc.ResolveOrganization(ctx, demo.Slug)
		must(t, err)
		opCtx := service.OperatorContext(ctx, org, "test")
		sps, _, err := svc.FindSuppliers(opCtx, aims.SupplierFilter{Page: aims.Page{Limit: 50}})
		must(t, err)
		overdue := map[string]bool{}
		for _, sp := range sps {
			if sp.Criticality == "" || sp.DueDiligence.Score == nil || sp.DueDiligence.Questions != 5 {
				t.Errorf("%s: criticality %q, due diligence %+v", sp.Name, sp.Criticality, sp.DueDiligence)
			}
			overdue[sp.Name] = sp.ReviewOverdue
		}
		if !overdue["Parley Support Cloud Inc."] || overdue["Aquametrics Process AI GmbH"] {
			t.Errorf("overdue reviews %v, want only Parley's", overdue)
		}
		systems, _, err := svc.FindSystems(opCtx, aims.SystemFilter{SupplierID: idOf(sps, "Parley Support Cloud Inc."), Page: aims.Page{Limit: 10}})
		must(t, err)
		if len(systems) == 0 {
			t.Fatal("no demo system is supplied by Parley")
		}
		g, err := svc.SystemGovernance(opCtx, systems[0].ID)
		must(t, err)
		found := false
		for _, b := range g.Blockers {
			found = found || b.Kind == aims.BlockerSupplier
		}
		if !found {
			t.Errorf("%s has no overdue-supplier blocker: %+v", systems[0].Name, g.Blockers)
		}
	})
}

func idOf(sps []*aims.Supplier, name string) string {
	for _, sp := range sps {
		if sp.Name == name {
			return sp.ID
		}
	}
	return ""
}
