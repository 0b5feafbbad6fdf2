package demo_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestDemoCompetence checks the story the people pages tell: operators
// without accounts, an AI literacy gap for exactly two of them, and the
// gaps a person counts by hand on the role pages.
func TestDemoCompetence(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := service.New(db, slog.New(slog.DiscardHandler))
		_, err := demo.Ensure(ctx, svc)
		must(t, err)
		org, err := svc.ResolveOrganization(ctx, demo.Slug)
		must(t, err)
		op := service.OperatorContext(ctx, org, "test")

		rows, setting, err := svc.FindLiteracy(op)
		must(t, err)
		if setting == nil {
			t.Fatal("no AI literacy setting")
		}
		var gaps []string
		for _, r := range rows {
			if r.Status != aims.LiteracySufficient {
				gaps = append(gaps, r.PersonName+": "+string(r.Status))
			}
		}
		if diff := cmp.Diff([]string{"Ben Oduya: gap", "Dmitri Ivanov: gap"}, gaps); diff != "" {
			t.Errorf("AI literacy gaps (-want +got):\n%s", diff)
		}
		if len(rows) < 12 {
			t.Errorf("%d people judged for AI literacy, want the members who own systems or hold roles and the operators", len(rows))
		}

		roles, _, err := svc.FindAIMSRoles(op, aims.AIMSRoleFilter{})
		must(t, err)
		byRole := map[string][]string{}
		for _, r := range roles {
			gs, err := svc.FindRoleGaps(op, r.ID)
			must(t, err)
			for _, g := range gs {
				byRole[r.Name] = append(byRole[r.Name], g.PersonName+": "+g.Competence+" ("+string(g.Reason)+")")
			}
		}
		want := map[string][]string{
			"Internal auditor": {"Grace Mbeki (internal auditor): ISO/IEC 42001 internal auditor (expired)"},
			"Line operator":    {"Ben Oduya: AI literacy for operators (missing)", "Dmitri Ivanov: AI literacy for operators (missing)"},
			"Validation lead":  {"Tomás Ferreira (data scientist): Functional safety (IEC 61508) foundation (missing)"},
		}
		if diff := cmp.Diff(want, byRole); diff != "" {
			t.Errorf("competence gaps by role (-want +got):\n%s", diff)
		}
		m, err := svc.FindRACI(op)
		must(t, err)
		if len(m.Cells) != 19 {
			t.Errorf("RACI has %d cells, want 19", len(m.Cells))
		}
	})
}
