package store_test

import (
	"context"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

func mustTx(t *testing.T, db *store.DB, fn func(ctx context.Context, tx *store.Tx) error) {
	t.Helper()
	ctx := context.Background()
	if err := db.Transact(ctx, func(tx *store.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
}

func day(s string) *aims.Date {
	d, err := aims.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return &d
}

func TestRiskCriteriaVersions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "acme")
		if _, err := store.FindRiskCriteria(ctx, db, f.Scope, 0); !aims.IsKind(err, aims.KindNotFound) {
			t.Fatalf("criteria before any saved: err = %v, want not found", err)
		}
		v1, v2 := aims.DefaultRiskCriteria(), aims.DefaultRiskCriteria()
		v2.Appetite, v2.Note = "low", "Tighter after the audit"
		mustTx(t, db, func(ctx context.Context, tx *store.Tx) error { return store.CreateRiskCriteria(ctx, tx, f.Scope, v1) })
		mustTx(t, db, func(ctx context.Context, tx *store.Tx) error { return store.CreateRiskCriteria(ctx, tx, f.Scope, v2) })
		if v1.Version != 1 || v2.Version != 2 || v2.CreatedBy != f.Admin.Email {
			t.Fatalf("versions %d, %d by %q", v1.Version, v2.Version, v2.CreatedBy)
		}
		cur, err := store.FindRiskCriteria(ctx, db, f.Scope, 0)
		if err != nil || cur.Version != 2 || cur.Appetite != "low" || len(cur.Matrix) != 5 || cur.Likelihood[4].Name != "Almost certain" {
			t.Fatalf("current = %+v (%v)", cur, err)
		}
		old, err := store.FindRiskCriteria(ctx, db, f.Scope, 1)
		if err != nil || old.Appetite != "medium" {
			t.Fatalf("version 1 = %+v (%v)", old, err)
		}
		all, err := store.FindRiskCriteriaVersions(ctx, db, f.Scope)
		if err != nil || len(all) != 2 || all[0].Version != 2 {
			t.Fatalf("versions = %d (%v)", len(all), err)
		}
		for _, q := range []string{`UPDATE risk_criteria SET document = '{}'`, `DELETE FROM risk_criteria`} {
			if err := store.TamperForTest(ctx, db, q); err == nil {
				t.Errorf("%s succeeded: criteria versions must be frozen", q)
			}
		}
		other := storetest.NewOrg(t, db, "other")
		if _, err := store.FindRiskCriteria(ctx, db, other.Scope, 1); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("other org reads acme's criteria: err = %v", err)
		}
	})
}

// newRisk is a valid risk for the store, levels as the service would set.
func newRisk(title, ownerID string, l, c int, level string, rank int) *aims.Risk {
	return &aims.Risk{Title: title, OwnerID: ownerID, Source: aims.RiskSource{Kind: aims.SourceAnnexC, ID: "C.3.4"},
		Characteristics: []aims.Characteristic{aims.Fair}, CriteriaVersion: 1, Likelihood: l, Consequence: c, Level: level,
		LevelRank: rank, ResidualRank: -1, Status: aims.RiskOpen, Controls: []string{}}
}

func TestRiskRegister(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "acme")
		owner := f.AddMember(t, db, "owner@acme.test", aims.RoleSystemOwner)
		sys := f.MustCreateSystem(t, db, storetest.System("Credit scoring", owner.ID))
		today := *day("2026-03-01")

		low := newRisk("Stale training data", f.Admin.ID, 1, 2, "low", 0)
		high := newRisk("Biased declines", owner.ID, 4, 4, "high", 2)
		high.SystemID, high.Controls = sys.ID, []string{"A.5.4", "A.7.4"}
		high.NextReview = day("2026-02-01") // overdue
		crit := newRisk("Prompt injection", f.Admin.ID, 5, 5, "critical", 3)
		crit.ResidualLikelihood, crit.ResidualConsequence, crit.ResidualLevel, crit.ResidualRank = 2, 3, "medium", 1
		crit.NextReview = day("2026-04-01")
		for _, r := range []*aims.Risk{low, high, crit} {
			mustTx(t, db, func(ctx context.Context, tx *store.Tx) error { return store.CreateRisk(ctx, tx, f.Scope, r) })
		}
		if low.Number != 1 || high.Number != 2 || crit.Number != 3 {
			t.Fatalf("numbers %d %d %d, want 1 2 3", low.Number, high.Number, crit.Number)
		}
		action := &aims.TreatmentAction{RiskID: low.ID, Title: "Refresh the data", OwnerID: owner.ID, DueDate: day("2026-02-15"), Status: aims.ActionInProgress}
		done := &aims.TreatmentAction{RiskID: low.ID, Title: "Write the data card", OwnerID: owner.ID, DueDate: day("2026-01-15"), Status: aims.ActionDone}
		for _, a := range []*aims.TreatmentAction{action, done} {
			mustTx(t, db, func(ctx context.Context, tx *store.Tx) error { return store.CreateRiskAction(ctx, tx, f.Scope, a) })
		}
		if done.CompletedAt == nil {
			t.Error("a done action has no completion time")
		}

		got, err := store.FindRiskByID(ctx, db, f.Scope, high.ID, today)
		if err != nil {
			t.Fatal(err)
		}
		if got.SystemName != "Credit scoring" || got.OwnerEmail != "owner@acme.test" || len(got.Controls) != 2 || got.Controls[1] != "A.7.4" ||
			!got.OverdueReview || !got.Overdue || got.Source.ID != "C.3.4" || got.Characteristics[0] != aims.Fair {
			t.Fatalf("high risk read back = %+v", got)
		}
		l, err := store.FindRiskByID(ctx, db, f.Scope, low.ID, today)
		if err != nil || len(l.Actions) != 2 || !l.Actions[1].Overdue || l.Actions[0].Overdue || l.OverdueActions != 1 || !l.Overdue {
			t.Fatalf("low risk: actions %+v, overdue actions %d (%v)", l.Actions, l.OverdueActions, err)
		}

		find := func(flt aims.RiskFilter) []int {
			t.Helper()
			flt.Today = today
			list, total, err := store.FindRisks(ctx, db, f.Scope, flt)
			if err != nil {
				t.Fatal(err)
			}
			if total != len(list) {
				t.Errorf("total %d for %d risks", total, len(list))
			}
			var out []int
			for _, r := range list {
				out = append(out, r.Number)
			}
			return out
		}
		for _, tc := range []struct {
			name string
			f    aims.RiskFilter
			want []int
		}{
			{"all, highest current level first", aims.RiskFilter{}, []int{2, 3, 1}},
			{"by system", aims.RiskFilter{SystemID: sys.ID}, []int{2}},
			{"the organization's own", aims.RiskFilter{SystemID: "none"}, []int{3, 1}},
			{"by current level: residual counts", aims.RiskFilter{Level: "medium"}, []int{3}},
			{"inherent critical is no longer current", aims.RiskFilter{Level: "critical"}, nil},
			{"by owner", aims.RiskFilter{OwnerID: owner.ID}, []int{2}},
			{"by status", aims.RiskFilter{Status: aims.RiskOpen}, []int{2, 3, 1}},
			{"overdue review or action", aims.RiskFilter{Overdue: true}, []int{2, 1}},
			{"search any case", aims.RiskFilter{Search: "PROMPT"}, []int{3}},
			{"lowest current level first", aims.RiskFilter{Sort: "level"}, []int{1, 3, 2}},
			{"next review soonest first, none last", aims.RiskFilter{Sort: "next_review"}, []int{2, 3, 1}},
			{"next review latest first, none last", aims.RiskFilter{Sort: "-next_review"}, []int{3, 2, 1}},
			{"title A to Z, any case", aims.RiskFilter{Sort: "title"}, []int{2, 3, 1}},
			{"title Z to A", aims.RiskFilter{Sort: "-title"}, []int{1, 3, 2}},
			{"newest number first", aims.RiskFilter{Sort: "-number"}, []int{3, 2, 1}},
		} {
			if got := find(tc.f); !equalInts(got, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}

		// Closing a risk ends its overdue state; updating replaces controls.
		after := *got
		after.Status, after.Controls = aims.RiskClosed, []string{"A.6.2.6"}
		mustTx(t, db, func(ctx context.Context, tx *store.Tx) error { return store.UpdateRisk(ctx, tx, f.Scope, got, &after) })
		again, _ := store.FindRiskByID(ctx, db, f.Scope, high.ID, today)
		if again.Overdue || len(again.Controls) != 1 || again.Controls[0] != "A.6.2.6" {
			t.Errorf("closed risk: overdue %v, controls %v", again.Overdue, again.Controls)
		}
		if got := find(aims.RiskFilter{Overdue: true}); !equalInts(got, []int{1}) {
			t.Errorf("overdue after closing: %v", got)
		}

		// Paging past the end still tells the total.
		if list, total, err := store.FindRisks(ctx, db, f.Scope, aims.RiskFilter{Page: aims.Page{Limit: 2, Offset: 10}}); err != nil || len(list) != 0 || total != 3 {
			t.Errorf("past the end: %d risks, total %d (%v)", len(list), total, err)
		}

		// Deleting a risk takes its actions and controls with it.
		lr, _ := store.FindRiskByID(ctx, db, f.Scope, low.ID, today)
		mustTx(t, db, func(ctx context.Context, tx *store.Tx) error { return store.DeleteRisk(ctx, tx, f.Scope, lr) })
		if _, err := store.FindRiskAction(ctx, db, f.Scope, low.ID, action.ID, today); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("action of a deleted risk: err = %v", err)
		}

		// Another organization sees none of it.
		other := storetest.NewOrg(t, db, "other")
		if _, err := store.FindRiskByID(ctx, db, other.Scope, high.ID, today); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("other org reads acme's risk: err = %v", err)
		}
		if list, total, _ := store.FindRisks(ctx, db, other.Scope, aims.RiskFilter{}); len(list)+total != 0 {
			t.Errorf("other org lists %d risks", total)
		}
	})
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestImpactAssessmentVersions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "acme")
		sys := f.MustCreateSystem(t, db, storetest.System("CV screener", f.Admin.ID))
		draft := &aims.ImpactAssessment{SystemID: sys.ID, SystemName: sys.Name, IntendedUse: "Summarise applications"}
		draft.Normalize()
		mustTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			return store.CreateImpactAssessment(ctx, tx, f.Scope, draft)
		})
		err := db.Transact(ctx, func(tx *store.Tx) error {
			return store.CreateImpactAssessment(ctx, tx, f.Scope, &aims.ImpactAssessment{SystemID: sys.ID, SystemName: sys.Name})
		})
		if !aims.IsKind(err, aims.KindConflict) {
			t.Fatalf("second draft: err = %v, want conflict", err)
		}
		got, err := store.FindImpactAssessment(ctx, db, f.Scope, sys.ID, draft.ID)
		if err != nil || got.Version != 1 || got.Status != aims.AssessmentDraft || len(got.Areas) != 9 || got.IntendedUse != "Summarise applications" {
			t.Fatalf("draft = %+v (%v)", got, err)
		}
		after := *got
		after.Areas = append([]aims.ImpactAreaAssessment(nil), got.Areas...)
		after.Areas[0].Residual, after.Conclusion = aims.ResidualHigh, "Acceptable with oversight"
		mustTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			return store.UpdateImpactAssessment(ctx, tx, f.Scope, got, &after)
		})
		snap := aims.SystemSnapshot{Autonomy: aims.AutonomyAdvisory, DeployedModelVersionID: "mv", DeployedModelVersion: "1.1"}
		signed := after
		mustTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			return store.SignOffImpactAssessment(ctx, tx, f.Scope, &after, &signed, snap)
		})
		back, _ := store.FindImpactAssessment(ctx, db, f.Scope, sys.ID, draft.ID)
		if back.Status != aims.AssessmentSignedOff || back.SignedOffByID != f.Admin.ID || back.SignedOffAt == nil ||
			back.Snapshot == nil || back.Snapshot.DeployedModelVersion != "1.1" || back.Areas[0].Residual != aims.ResidualHigh {
			t.Fatalf("signed off = %+v", back)
		}
		changed := *back
		changed.Conclusion = "rewritten"
		err = db.Transact(ctx, func(tx *store.Tx) error { return store.UpdateImpactAssessment(ctx, tx, f.Scope, back, &changed) })
		if !aims.IsKind(err, aims.KindConflict) {
			t.Errorf("editing a signed-off assessment: err = %v, want conflict", err)
		}
		if err := store.TamperForTest(ctx, db, `UPDATE impact_assessments SET document = '{}'`); err == nil {
			t.Error("a signed-off assessment was changed below the store")
		}
		v2 := &aims.ImpactAssessment{SystemID: sys.ID, SystemName: sys.Name}
		mustTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			return store.CreateImpactAssessment(ctx, tx, f.Scope, v2)
		})
		latest, err := store.FindLatestSignedOffAssessments(ctx, db, f.Scope, "")
		if err != nil || len(latest) != 1 || latest[0].Version != 1 {
			t.Fatalf("latest signed off = %v (%v)", latest, err)
		}
		drafts, _ := store.FindDraftAssessmentVersions(ctx, db, f.Scope)
		if drafts[sys.ID] != 2 {
			t.Errorf("drafts = %v", drafts)
		}
		list, _ := store.FindImpactAssessments(ctx, db, f.Scope, sys.ID)
		if len(list) != 2 || list[0].Version != 2 {
			t.Errorf("versions = %d", len(list))
		}

		// A risk raised from an area links back to it.
		r := newRisk("Unfair ranking", f.Admin.ID, 3, 4, "high", 2)
		r.SystemID, r.AssessmentID, r.ImpactArea = sys.ID, draft.ID, aims.AreaFairness
		mustTx(t, db, func(ctx context.Context, tx *store.Tx) error { return store.CreateRisk(ctx, tx, f.Scope, r) })
		links, err := store.FindRiskLinks(ctx, db, f.Scope, []string{draft.ID, v2.ID})
		if err != nil || len(links[draft.ID][aims.AreaFairness]) != 1 || links[draft.ID][aims.AreaFairness][0].Number != r.Number {
			t.Errorf("links = %v (%v)", links, err)
		}

		other := storetest.NewOrg(t, db, "other")
		if _, err := store.FindImpactAssessment(ctx, db, other.Scope, sys.ID, draft.ID); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("other org reads the assessment: err = %v", err)
		}
	})
}
