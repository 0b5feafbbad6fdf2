package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
)

// TestMyWorkEvidence: "my work" lists the evidence on records the caller
// owns that has expired or expires within the window, and the expected
// evidence on their systems that nothing shows; not evidence that is
// current, not another owner's, not another organization's.
func TestMyWorkEvidence(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		owner := o.members[aims.RoleSystemOwner]
		mine, theirs := o.mustSystem(t, e.db, o.Admin.ID), o.mustSystem(t, e.db, owner.ID)
		risk := o.mustRisk(t, e, theirs.ID, o.Admin.ID, 2, 2)
		now := time.Now().UTC()
		add := func(title string, days int, links ...aims.EvidenceLink) *aims.Evidence {
			ev := &aims.Evidence{Title: title, Kind: "validation-report", Links: append(links,
				aims.EvidenceLink{Type: aims.TargetRequirement, ID: "iso42001:A.6.2.4"})}
			o.mustWrite(t, e.db, func(ctx context.Context, tx *store.Tx) error {
				if err := store.CreateEvidence(ctx, tx, o.Scope, ev); err != nil {
					return err
				}
				// An older revision that was current: only the latest counts.
				for _, d := range []int{365, days} {
					exp := now.AddDate(0, 0, d)
					r := &aims.EvidenceRevision{EvidenceID: ev.ID, Source: aims.SourceLink, URL: "https://example.com/" + unique("r"),
						CollectedByLabel: "test", ExpiresAt: &exp}
					if err := store.CreateEvidenceRevision(ctx, tx, o.Scope, r); err != nil {
						return err
					}
				}
				return nil
			})
			return ev
		}
		expired := add("Expired report", -3, aims.EvidenceLink{Type: aims.TargetAISystem, ID: mine.ID})
		expiring := add("Expiring report", 10, aims.EvidenceLink{Type: aims.TargetAISystem, ID: mine.ID},
			aims.EvidenceLink{Type: aims.TargetRisk, ID: risk.ID})
		onRisk := add("Report on my risk", 5, aims.EvidenceLink{Type: aims.TargetRisk, ID: risk.ID})
		current := add("Current report", 90, aims.EvidenceLink{Type: aims.TargetAISystem, ID: mine.ID})
		other := add("Another owner's report", -3, aims.EvidenceLink{Type: aims.TargetAISystem, ID: theirs.ID})
		missing := &aims.EvidenceRequirement{Requirement: "iso42001:A.6.2.4", SystemID: mine.ID, Kind: "model-card"}
		shown := &aims.EvidenceRequirement{Requirement: "iso42001:A.6.2.4", SystemID: mine.ID, Kind: "validation-report"}
		for _, x := range []*aims.EvidenceRequirement{missing, shown} {
			if err := e.svc.CreateEvidenceRequirement(o.operator(), x); err != nil {
				t.Fatal(err)
			}
		}
		work := func(token string) map[string]aims.WorkItem {
			var out struct {
				Items []aims.WorkItem `json:"items"`
			}
			decode(t, e.do(t, request{method: "GET", url: "/api/v1/me/work", token: token}), &out)
			m := map[string]aims.WorkItem{}
			for _, w := range out.Items {
				if w.Kind == aims.WorkEvidenceDue || w.Kind == aims.WorkEvidenceMissing {
					if _, dup := m[w.RecordID]; dup {
						t.Errorf("%s listed twice", w.Title)
					}
					m[w.RecordID] = w
				}
			}
			return m
		}
		got := work(o.tokens[aims.RoleAdmin])
		if len(got) != 4 {
			t.Errorf("admin's evidence work: %+v, want 4 items", got)
		}
		if w := got[expired.ID]; w.Kind != aims.WorkEvidenceDue || !w.Overdue || w.Link != "/evidence/"+expired.ID {
			t.Errorf("expired evidence: %+v", w)
		}
		for _, ev := range []*aims.Evidence{expiring, onRisk} {
			if w := got[ev.ID]; w.Kind != aims.WorkEvidenceDue || w.Overdue || w.Due == nil {
				t.Errorf("%s: %+v", ev.Title, w)
			}
		}
		if w := got[missing.ID]; w.Kind != aims.WorkEvidenceMissing || w.Title != "model-card for A.6.2.4 on "+mine.Name {
			t.Errorf("missing evidence: %+v", w)
		}
		for _, id := range []string{current.ID, other.ID, shown.ID} {
			if _, ok := got[id]; ok {
				t.Errorf("admin's work lists %s", id)
			}
		}
		if got := work(o.tokens[aims.RoleSystemOwner]); len(got) != 1 || got[other.ID].Kind != aims.WorkEvidenceDue {
			t.Errorf("system owner's evidence work: %+v, want their expired report only", got)
		}
		if got := work(e.orgs["b"].tokens[aims.RoleAdmin]); len(got) != 0 {
			t.Errorf("another organization's admin sees %+v", got)
		}
	})
}
