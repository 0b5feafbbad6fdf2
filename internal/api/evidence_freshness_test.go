package api_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// TestControlsFreshnessAgrees: the SoA page's aggregate answer
// (ControlsFreshness: one row per control and per expectation, computed in
// SQL) says what the detailed one (ControlsEvidence: every piece of
// evidence, computed in Go by package rules) says, for every control:
// evidence expired, expiring, current and without a due date, revisions
// whose latest is not the best, expectations with an allowed age, with an
// AI system, of a kind nothing shows, and live evidence.
func TestControlsFreshnessAgrees(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		ctx := authz.WithPrincipal(context.Background(), &authz.Principal{UserID: o.Admin.ID, OrgID: o.Org.ID, Role: aims.RoleAdmin, Operator: true})
		systems := []*aims.AISystem{o.mustSystem(t, e.db, o.Admin.ID), o.mustSystem(t, e.db, o.Admin.ID), o.mustSystem(t, e.db, o.Admin.ID)}
		controls := []string{"iso42001:A.2.2", "iso42001:A.5.2", "iso42001:A.6.2.4", "iso42001:A.6.2.6", "iso42001:A.7.4", "iso42001:A.8.2",
			"iso42001:A.9.2", "iso42001:A.10.3"}
		now := time.Now().UTC()
		// Due dates from 40 days ago to 80 days ahead, or none; collected
		// from 300 days ago to today.
		dues := []int{-40, -1, 3, 20, 29, 45, 80, 0}
		o.mustWrite(t, e.db, func(c context.Context, tx *store.Tx) error {
			for i := range 48 {
				links := []aims.EvidenceLink{{Type: aims.TargetRequirement, ID: controls[i%6]}}
				if i%4 != 3 {
					links = append(links, aims.EvidenceLink{Type: aims.TargetAISystem, ID: systems[i%3].ID})
				}
				kind := []string{"validation-report", "model-card"}[i%5/4]
				ev := &aims.Evidence{Title: fmt.Sprintf("piece %d", i), Kind: kind, Links: links}
				if err := store.CreateEvidence(c, tx, o.Scope, ev); err != nil {
					return err
				}
				for n := range 1 + i%3 {
					r := &aims.EvidenceRevision{EvidenceID: ev.ID, Source: aims.SourceLink, URL: "https://example.com/" + unique("r"),
						CollectedAt: now.AddDate(0, 0, -(i*7)%300-n), CollectedByLabel: "test"}
					if d := dues[(i+n*3)%len(dues)]; d != 0 {
						exp := now.AddDate(0, 0, d)
						r.ExpiresAt = &exp
					}
					if err := store.CreateEvidenceRevision(c, tx, o.Scope, r); err != nil {
						return err
					}
				}
			}
			return nil
		})
		for _, x := range []*aims.EvidenceRequirement{
			{Requirement: controls[0], Kind: "validation-report", MaxAgeDays: 90},
			{Requirement: controls[1], Kind: "validation-report", SystemID: systems[1].ID},
			{Requirement: controls[1], Kind: "model-card"},
			{Requirement: controls[2], Kind: "validation-report", MaxAgeDays: 200, SystemID: systems[2].ID},
			{Requirement: controls[3], Kind: "never-pushed"},
			{Requirement: controls[4], Live: aims.LiveInventory, MaxAgeDays: 30},
			{Requirement: controls[5], Kind: "model-card", MaxAgeDays: 10},
			{Requirement: controls[7], Kind: "validation-report"},
		} {
			if err := e.svc.CreateEvidenceRequirement(ctx, x); err != nil {
				t.Fatal(err)
			}
		}
		detail, dsum, err := e.svc.ControlsEvidence(ctx, controls)
		if err != nil {
			t.Fatal(err)
		}
		counted, csum, err := e.svc.ControlsFreshness(ctx, controls)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(dsum, csum); diff != "" {
			t.Errorf("summary (-detailed +counted):\n%s", diff)
		}
		states := map[aims.Freshness]int{}
		for _, ref := range controls {
			d, c := detail[ref], counted[ref]
			states[d.Freshness]++
			if len(c.Evidence) != 0 {
				t.Errorf("%s: the counted answer lists %d pieces of evidence", ref, len(c.Evidence))
			}
			d.Evidence = c.Evidence
			if diff := cmp.Diff(d, c); diff != "" {
				t.Errorf("%s (-detailed +counted):\n%s", ref, diff)
			}
		}
		t.Logf("states %v, summary %+v", states, csum)
		if len(states) < 3 {
			t.Errorf("the fixture shows too few states: %v", states)
		}
	})
}
