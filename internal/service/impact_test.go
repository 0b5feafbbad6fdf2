package service_test

import (
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// completeAreas assesses every impact area, fairness high.
func completeAreas() []aims.ImpactAreaAssessment {
	var out []aims.ImpactAreaAssessment
	for _, a := range aims.ImpactAreaValues() {
		x := aims.ImpactAreaAssessment{Area: a, Severity: 2, Likelihood: 2, People: "Applicants", Mitigations: "Human review", Residual: aims.ResidualLow}
		if a == aims.AreaFairness {
			x.Severity, x.Likelihood, x.Residual = 4, 3, aims.ResidualHigh
		}
		if a == aims.AreaEnvironment {
			x = aims.ImpactAreaAssessment{Area: a, NotApplicable: true, Notes: "Negligible computing"}
		}
		out = append(out, x)
	}
	return out
}

func TestImpactAssessmentLifecycle(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newSoAWorld(t, db, "acme")
		owner := w.users[aims.RoleSystemOwner]
		sys := w.f.MustCreateSystem(t, db, storetest.System("CV screener", owner.ID))
		ownerCtx, contributor := w.as(aims.RoleSystemOwner), w.as(aims.RoleContributor)
		mv := &aims.ModelVersion{SystemID: sys.ID, Version: "1.1", Digest: strings.Repeat("ab", 32), Status: aims.ModelDeployed}
		if err := w.svc.CreateReleasedModelVersion(w.as(aims.RoleAIMSManager), mv, testApproval); err != nil {
			t.Fatal(err)
		}

		draft, err := w.svc.StartImpactAssessment(contributor, sys.ID)
		if err != nil {
			t.Fatal(err)
		}
		if draft.Version != 1 || draft.IntendedUse != "Test purpose" || len(draft.Areas) != 9 {
			t.Fatalf("new draft = v%d, intended use %q, %d areas", draft.Version, draft.IntendedUse, len(draft.Areas))
		}
		if _, err := w.svc.StartImpactAssessment(contributor, sys.ID); !aims.IsKind(err, aims.KindConflict) {
			t.Errorf("second draft: err = %v, want conflict", err)
		}
		if _, err := w.svc.StartImpactAssessment(w.as(aims.RoleAuditor), sys.ID); !aims.IsKind(err, aims.KindForbidden) {
			t.Errorf("auditor starts an assessment: err = %v", err)
		}
		// Leave two areas blank.
		areas := completeAreas()
		areas[1] = aims.ImpactAreaAssessment{Area: aims.AreaSafety}
		areas[8].Mitigations = ""
		parties := []aims.AffectedParty{aims.PartyIndividuals, aims.PartyGroups}
		conclusion := "Acceptable with human review"
		upd := aims.ImpactAssessmentUpdate{Areas: &areas, AffectedParties: &parties, Conclusion: &conclusion}
		if _, err := w.svc.UpdateImpactAssessment(contributor, sys.ID, draft.ID, upd); err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.SignOffImpactAssessment(ownerCtx, sys.ID, draft.ID)
		if !aims.IsKind(err, aims.KindInvalid) || fieldList(err) != "areas/safety areas/employment" {
			t.Fatalf("sign-off with blank areas: err = %v, fields %q", err, fieldList(err))
		}
		if !strings.Contains(err.(*aims.Error).Fields[1].Detail, "Employment is blank: give its mitigations") {
			t.Errorf("detail %q does not name the area and what is missing", err.(*aims.Error).Fields[1].Detail)
		}
		full := completeAreas()
		if _, err := w.svc.UpdateImpactAssessment(contributor, sys.ID, draft.ID, aims.ImpactAssessmentUpdate{Areas: &full}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.SignOffImpactAssessment(contributor, sys.ID, draft.ID); !aims.IsKind(err, aims.KindForbidden) {
			t.Errorf("a contributor signs off: err = %v, want forbidden (only the owner)", err)
		}
		signed, err := w.svc.SignOffImpactAssessment(ownerCtx, sys.ID, draft.ID)
		if err != nil || signed.Status != aims.AssessmentSignedOff || signed.SignedOffByID != owner.ID || len(signed.OutOfDate) != 0 ||
			signed.Snapshot.DeployedModelVersion != "1.1" {
			t.Fatalf("signed off = %+v (%v)", signed, err)
		}
		if _, err := w.svc.UpdateImpactAssessment(contributor, sys.ID, draft.ID, aims.ImpactAssessmentUpdate{Conclusion: &conclusion}); !aims.IsKind(err, aims.KindConflict) {
			t.Errorf("editing a signed-off version: err = %v, want conflict", err)
		}
		sum, err := w.svc.ImpactSummary(w.as(aims.RoleViewer), sys.ID)
		if err != nil || sum.Version != 1 || sum.HighestResidual != aims.ResidualHigh || sum.HighestArea != aims.AreaFairness || sum.OutOfDate {
			t.Fatalf("summary = %+v (%v)", sum, err)
		}

		// The high fairness impact raises a linked risk in one step.
		r, err := w.svc.RaiseRiskFromImpact(contributor, sys.ID, signed.ID, aims.AreaFairness)
		if err != nil {
			t.Fatal(err)
		}
		if r.SystemID != sys.ID || r.OwnerID != owner.ID || r.Likelihood != 3 || r.Consequence != 4 || r.Level != "high" ||
			r.AssessmentID != signed.ID || r.ImpactArea != aims.AreaFairness || r.Characteristics[0] != aims.Fair {
			t.Fatalf("raised risk = %+v", r)
		}
		if _, err := w.svc.RaiseRiskFromImpact(contributor, sys.ID, signed.ID, aims.AreaFairness); !aims.IsKind(err, aims.KindConflict) {
			t.Errorf("raising twice: err = %v, want conflict", err)
		}
		if _, err := w.svc.RaiseRiskFromImpact(contributor, sys.ID, signed.ID, aims.AreaEnvironment); fieldList(err) != "areas/environment" {
			t.Errorf("raising from an area that does not apply: %v", err)
		}
		back, _ := w.svc.FindImpactAssessment(ownerCtx, sys.ID, signed.ID)
		if l := back.Area(aims.AreaFairness).LinkedRisks; len(l) != 1 || l[0].ID != r.ID {
			t.Errorf("fairness area links %+v, want the raised risk", l)
		}

		// Deploying a newer model version puts the assessment out of date.
		mv2 := &aims.ModelVersion{SystemID: sys.ID, Version: "1.2", Digest: strings.Repeat("cd", 32), Status: aims.ModelDeployed}
		if err := w.svc.CreateReleasedModelVersion(w.as(aims.RoleAIMSManager), mv2, testApproval); err != nil {
			t.Fatal(err)
		}
		back, _ = w.svc.FindImpactAssessment(ownerCtx, sys.ID, signed.ID)
		if len(back.OutOfDate) != 1 || !strings.Contains(back.OutOfDate[0], "model version 1.2 was deployed after sign-off") {
			t.Fatalf("out of date reasons = %q", back.OutOfDate)
		}
		sum, _ = w.svc.ImpactSummary(ownerCtx, sys.ID)
		all, _ := w.svc.ImpactSummaries(ownerCtx)
		if !sum.OutOfDate || !all[sys.ID].OutOfDate || all[sys.ID].HighestResidual != aims.ResidualHigh {
			t.Errorf("summary after deployment = %+v, all = %+v", sum, all[sys.ID])
		}
		// The next version starts from the last and is current once signed.
		v2, err := w.svc.StartImpactAssessment(ownerCtx, sys.ID)
		if err != nil || v2.Version != 2 || v2.Conclusion != conclusion || v2.Area(aims.AreaFairness).Residual != aims.ResidualHigh {
			t.Fatalf("version 2 = %+v (%v)", v2, err)
		}
		if sum, _ := w.svc.ImpactSummary(ownerCtx, sys.ID); sum.Draft != 2 || sum.Version != 1 {
			t.Errorf("summary with a draft = %+v", sum)
		}
		if s2, err := w.svc.SignOffImpactAssessment(ownerCtx, sys.ID, v2.ID); err != nil || len(s2.OutOfDate) != 0 {
			t.Fatalf("version 2 signed: %v, reasons %q", err, s2.OutOfDate)
		}
		// Another organization sees nothing.
		other := newSoAWorld(t, db, "other")
		if _, err := w.svc.FindImpactAssessment(other.as(aims.RoleAdmin), sys.ID, signed.ID); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("other org reads the assessment: err = %v", err)
		}
	})
}

// TestImpactClassReadsTheImpactAssessment: the impact class rule takes the
// latest signed-off assessment's highest residual impact.
func TestImpactClassReadsTheImpactAssessment(t *testing.T) {
	db := storetest.OpenSQLite(t)
	w := newSoAWorld(t, db, "acme")
	owner := w.users[aims.RoleSystemOwner]
	sys := w.f.MustCreateSystem(t, db, storetest.System("Demand forecaster", owner.ID)) // advisory, quality
	ctx := w.as(aims.RoleSystemOwner)
	before, err := w.svc.SystemImpactClass(ctx, sys.ID)
	if err != nil || before.Rule != "no-assessment" {
		t.Fatalf("before any assessment: %+v (%v)", before, err)
	}
	draft, err := w.svc.StartImpactAssessment(ctx, sys.ID)
	if err != nil {
		t.Fatal(err)
	}
	areas, parties, conclusion := completeAreas(), []aims.AffectedParty{aims.PartyGroups}, "High fairness impact remains"
	if _, err := w.svc.UpdateImpactAssessment(ctx, sys.ID, draft.ID, aims.ImpactAssessmentUpdate{Areas: &areas, AffectedParties: &parties, Conclusion: &conclusion}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.SignOffImpactAssessment(ctx, sys.ID, draft.ID); err != nil {
		t.Fatal(err)
	}
	after, err := w.svc.SystemImpactClass(ctx, sys.ID)
	if err != nil || after.Class != aims.ImpactHigh || after.Rule != "residual-high" || after.Inputs.AssessmentOutOfDate {
		t.Errorf("after a signed-off assessment with a high residual impact: %+v (%v)", after, err)
	}
}
