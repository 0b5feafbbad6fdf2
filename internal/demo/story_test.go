package demo_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestDemoStory loads the demo once and checks that it tells one
// consistent story (issue 14 items 2 and 10): records dated over past
// months, none in the future; the optimizer
// stopped and resumed days apart with no decision between; a justification
// of its own for every applicable control; and every model version that
// reached approved or deployed (retired ones included) approved by the
// AIMS manager on recorded evidence.
func TestDemoStory(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := service.New(db, slog.New(slog.DiscardHandler))
		if _, err := demo.Ensure(ctx, svc); err != nil {
			t.Fatal(err)
		}
		org, err := svc.ResolveOrganization(ctx, demo.Slug)
		must(t, err)
		octx := service.OperatorContext(ctx, org, "test")
		now := time.Now().UTC()
		all := aims.Page{Limit: aims.MaxLimit}

		t.Run("TestDemoTimesSpreadOverPastMonths", func(t *testing.T) {
			systems, _, err := svc.FindSystems(octx, aims.SystemFilter{Page: all})
			must(t, err)
			for _, s := range systems {
				if age := now.Sub(s.CreatedAt); age < 90*24*time.Hour || age > 400*24*time.Hour {
					t.Errorf("system %s created %s ago, want months ago", s.Name, age.Round(time.Hour))
				}
			}
			months := map[string]bool{}
			evs, total, err := svc.FindAuditEvents(octx, aims.AuditFilter{Page: aims.Page{Limit: aims.MaxLimit}})
			must(t, err)
			for _, ev := range evs {
				months[ev.OccurredAt.Format("2006-01")] = true
				if ev.OccurredAt.After(now) {
					t.Errorf("audit event %s %s in the future: %s", ev.EntityType, ev.EntityLabel, ev.OccurredAt)
				}
			}
			if total > len(evs) {
				// The oldest page holds the first months.
				old, _, err := svc.FindAuditEvents(octx, aims.AuditFilter{Page: aims.Page{Limit: aims.MaxLimit, Offset: total - aims.MaxLimit}})
				must(t, err)
				for _, ev := range old {
					months[ev.OccurredAt.Format("2006-01")] = true
				}
			}
			if len(months) < 6 {
				t.Errorf("audit events in %d months (%v), want the story spread over at least 6", len(months), months)
			}
		})

		t.Run("TestDemoSuspensionDaysApartWithoutDecisions", func(t *testing.T) {
			list, _, err := svc.FindSystems(octx, aims.SystemFilter{Search: "setpoint optimizer"})
			if err != nil || len(list) != 1 {
				t.Fatalf("optimizer: %v %d", err, len(list))
			}
			opt := list[0]
			hist, _, err := svc.FindSuspensions(octx, opt.ID, false, aims.Page{})
			if err != nil || len(hist) != 1 || hist[0].ResumedAt == nil {
				t.Fatalf("history %+v (%v), want one suspension, resumed", hist, err)
			}
			stop, resume := hist[0].SuspendedAt, *hist[0].ResumedAt
			if gap := resume.Sub(stop); gap < 2*24*time.Hour {
				t.Errorf("stopped %s, resumed %s: %s apart, want days", stop, resume, gap)
			}
			_, during, err := svc.FindDecisions(octx, opt.ID, aims.DecisionFilter{Since: &stop, Until: &resume})
			must(t, err)
			_, before, _ := svc.FindDecisions(octx, opt.ID, aims.DecisionFilter{Until: &stop})
			_, after, _ := svc.FindDecisions(octx, opt.ID, aims.DecisionFilter{Since: &resume})
			if during != 0 || before < 1000 || after < 1000 {
				t.Errorf("decisions before the stop %d, while stopped %d, after the resume %d", before, during, after)
			}
		})

		t.Run("TestDemoSoAJustificationsPerControl", func(t *testing.T) {
			versions, err := svc.FindSoAVersions(octx)
			must(t, err)
			for _, v := range versions {
				full, err := svc.FindSoAVersion(octx, v.Number, aims.SoAFilter{})
				must(t, err)
				seen := map[string]string{}
				for _, r := range full.Rows {
					if r.Justification == "" {
						continue
					}
					if other, ok := seen[r.Justification]; ok {
						t.Errorf("SoA %d: %s and %s share the justification %q", v.Number, other, r.RequirementID, r.Justification)
					}
					seen[r.Justification] = r.RequirementID
				}
				if len(seen) < 30 {
					t.Errorf("SoA %d: %d justified rows", v.Number, len(seen))
				}
			}
		})

		t.Run("TestDemoModelVersionsApprovedOnEvidence", func(t *testing.T) {
			members, _, err := svc.FindMembers(octx, aims.MemberFilter{Page: all})
			must(t, err)
			var manager string
			for _, m := range members {
				if m.Role == aims.RoleAIMSManager {
					manager = m.ID
				}
			}
			systems, _, err := svc.FindSystems(octx, aims.SystemFilter{Page: all})
			must(t, err)
			checked := 0
			for _, s := range systems {
				versions, _, err := svc.FindModelVersions(octx, s.ID, aims.ModelVersionFilter{Page: all})
				must(t, err)
				for _, v := range versions {
					wantActs := map[aims.ModelVersionStatus]int{aims.ModelApproved: 1, aims.ModelDeployed: 2, aims.ModelRetired: 2}[v.Status]
					if len(v.Approvals) != wantActs {
						t.Errorf("%s %s is %s with %d approval acts, want %d", s.Name, v.Version, v.Status, len(v.Approvals), wantActs)
						continue
					}
					for _, a := range v.Approvals {
						if a.ApprovedBy != manager || a.Evidence == "" || a.AcceptanceCriteria == "" || a.Result == "" ||
							a.ApprovedAt.Before(v.CreatedAt) || a.ApprovedAt.After(now) {
							t.Errorf("%s %s: approval %+v", s.Name, v.Version, a)
						}
						checked++
					}
					if v.DeployedAt != nil && !v.DeployedAt.Equal(v.Approvals[len(v.Approvals)-1].ApprovedAt) {
						t.Errorf("%s %s deployed at %s, its deployment recorded at %s", s.Name, v.Version, v.DeployedAt, v.Approvals[len(v.Approvals)-1].ApprovedAt)
					}
				}
			}
			if checked < 20 {
				t.Errorf("%d approval acts in the demo", checked)
			}
		})
	})
}
