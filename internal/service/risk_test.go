package service_test

import (
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// fieldList lists the fields an invalid error names.
func fieldList(err error) string {
	ae, ok := err.(*aims.Error)
	if !ok {
		return "not an *aims.Error: " + err.Error()
	}
	var out []string
	for _, f := range ae.Fields {
		out = append(out, f.Field)
	}
	return strings.Join(out, " ")
}

func validRisk(systemID, ownerID string, l, c int) *aims.Risk {
	return &aims.Risk{SystemID: systemID, OwnerID: ownerID, Title: "Biased declines", Likelihood: l, Consequence: c,
		Source: aims.RiskSource{Kind: aims.SourceAnnexC, ID: "C.3.4"}, Characteristics: []aims.Characteristic{aims.Fair}}
}

func TestRiskLevelsComeFromTheCriteria(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newSoAWorld(t, db, "acme")
		owner := w.users[aims.RoleSystemOwner]
		sys := w.f.MustCreateSystem(t, db, storetest.System("Credit scoring", owner.ID))
		ctx := w.as(aims.RoleSystemOwner)

		bad := validRisk(sys.ID, owner.ID, 6, 0)
		bad.Source, bad.Controls = aims.RiskSource{Kind: aims.SourceNISTGAI, ID: "C.3.4"}, []string{"A.6.2.6", "A.99"}
		err := w.svc.CreateRisk(ctx, bad)
		if !aims.IsKind(err, aims.KindInvalid) || fieldList(err) != "controls/1 inherent_consequence inherent_likelihood source/id" {
			t.Fatalf("bad risk: err = %v, fields %q", err, fieldList(err))
		}
		r := validRisk(sys.ID, owner.ID, 4, 4)
		r.Level = "low" // the client's opinion is ignored
		if err := w.svc.CreateRisk(ctx, r); err != nil {
			t.Fatal(err)
		}
		if r.Level != "high" || r.CriteriaVersion != 1 || r.Number != 1 || r.Source.Title != "Risk sources related to machine learning" {
			t.Fatalf("created = level %s, criteria v%d, number %d, source %q", r.Level, r.CriteriaVersion, r.Number, r.Source.Title)
		}
		// The defaults were saved as version 1 by the first assessment.
		c, err := w.svc.RiskCriteria(ctx)
		if err != nil || c.Version != 1 {
			t.Fatalf("criteria = v%d (%v)", c.Version, err)
		}
		// Stricter criteria: the next change is assessed under them.
		strict := aims.DefaultRiskCriteria()
		strict.Matrix[3][3] = "critical"
		strict.Matrix[3][4], strict.Matrix[4][3] = "critical", "critical"
		if _, err := w.svc.SaveRiskCriteria(w.as(aims.RoleContributor), strict); !aims.IsKind(err, aims.KindForbidden) {
			t.Fatalf("contributor saves criteria: err = %v, want forbidden", err)
		}
		if _, err := w.svc.SaveRiskCriteria(w.as(aims.RoleAIMSManager), strict); err != nil {
			t.Fatal(err)
		}
		got, _ := w.svc.FindRiskByID(ctx, r.ID)
		if got.Level != "high" || got.CriteriaVersion != 1 || len(got.Issues) != 1 || got.Issues[0].Field != "criteria_version" {
			t.Fatalf("before reassessment: level %s v%d, issues %+v", got.Level, got.CriteriaVersion, got.Issues)
		}
		five := 5
		after, err := w.svc.UpdateRisk(ctx, r.ID, aims.RiskUpdate{Consequence: &five})
		if err != nil || after.Level != "critical" || after.CriteriaVersion != 2 || len(after.Issues) != 0 {
			t.Fatalf("after: %+v (%v)", after, err)
		}
		zero := 0
		if _, err := w.svc.UpdateRisk(ctx, r.ID, aims.RiskUpdate{ResidualLikelihood: &five, ResidualConsequence: &zero}); fieldList(err) != "residual_consequence" {
			t.Errorf("half a residual: %v", err)
		}
		// An organization's own risk needs Edit: a system owner may not.
		org := validRisk("", owner.ID, 1, 1)
		if err := w.svc.CreateRisk(ctx, org); !aims.IsKind(err, aims.KindForbidden) {
			t.Errorf("system owner adds an organization risk: err = %v", err)
		}
		if err := w.svc.CreateRisk(w.as(aims.RoleAuditor), validRisk(sys.ID, owner.ID, 1, 1)); !aims.IsKind(err, aims.KindForbidden) {
			t.Errorf("auditor adds a risk: err = %v", err)
		}
		// Setting the status to accepted is not accepting.
		accepted := aims.RiskAccepted
		if _, err := w.svc.UpdateRisk(ctx, r.ID, aims.RiskUpdate{Status: &accepted}); fieldList(err) != "status" {
			t.Errorf("status accepted by update: %v", err)
		}
	})
}

func TestAcceptRisk(t *testing.T) {
	db := storetest.OpenSQLite(t)
	w := newSoAWorld(t, db, "acme")
	owner := w.users[aims.RoleSystemOwner]
	sys := w.f.MustCreateSystem(t, db, storetest.System("CV screener", owner.ID))
	ownerCtx := w.as(aims.RoleSystemOwner)
	mk := func(l, c int) *aims.Risk {
		t.Helper()
		r := validRisk(sys.ID, owner.ID, l, c)
		if err := w.svc.CreateRisk(ownerCtx, r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	medium, high, critical := mk(3, 3), mk(4, 4), mk(5, 5)

	if _, err := w.svc.AcceptRisk(ownerCtx, medium.ID, ""); fieldList(err) != "rationale" {
		t.Errorf("acceptance without a reason: %v", err)
	}
	got, err := w.svc.AcceptRisk(ownerCtx, medium.ID, "Within appetite; monitored monthly")
	if err != nil || got.Status != aims.RiskAccepted || got.Acceptance == nil || got.Acceptance.ByID != owner.ID || got.Acceptance.Level != "medium" ||
		got.Treatment != aims.TreatRetain {
		t.Fatalf("owner accepts medium: %+v (%v)", got, err)
	}
	_, err = w.svc.AcceptRisk(ownerCtx, high.ID, "We live with it")
	if !aims.IsKind(err, aims.KindForbidden) || !strings.Contains(err.Error(), "AIMS manager") {
		t.Errorf("owner accepts high: err = %v, want forbidden naming the AIMS manager", err)
	}
	if _, err := w.svc.AcceptRisk(w.as(aims.RoleContributor), medium.ID, "x"); !aims.IsKind(err, aims.KindForbidden) {
		t.Errorf("contributor accepts another's medium risk: err = %v", err)
	}
	if got, err := w.svc.AcceptRisk(w.as(aims.RoleAIMSManager), high.ID, "Accepted until the refit"); err != nil || got.Acceptance.Level != "high" {
		t.Errorf("manager accepts high: %v", err)
	}
	if _, err := w.svc.AcceptRisk(w.as(aims.RoleAIMSManager), critical.ID, "No"); !aims.IsKind(err, aims.KindConflict) {
		t.Errorf("manager accepts critical: err = %v, want conflict", err)
	}
	// Treating a critical risk down to medium lets its owner accept it.
	two, three := 2, 3
	if _, err := w.svc.UpdateRisk(ownerCtx, critical.ID, aims.RiskUpdate{ResidualLikelihood: &two, ResidualConsequence: &three}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.AcceptRisk(ownerCtx, critical.ID, "Treated to medium"); err != nil {
		t.Errorf("owner accepts residual medium: %v", err)
	}
	// A changed assessment ends the acceptance.
	four := 4
	after, err := w.svc.UpdateRisk(ownerCtx, medium.ID, aims.RiskUpdate{Likelihood: &four})
	if err != nil || after.Acceptance != nil || after.Status != aims.RiskInTreatment {
		t.Errorf("after reassessment: status %s, acceptance %+v (%v)", after.Status, after.Acceptance, err)
	}
}

func TestRiskControlsAndTheSoA(t *testing.T) {
	db := storetest.OpenSQLite(t)
	w := newSoAWorld(t, db, "acme")
	if err := demo.SeedSoA(w.as(aims.RoleAdmin), w.svc); err != nil { // excludes A.10.4 and A.4.5
		t.Fatal(err)
	}
	ctx := w.as(aims.RoleContributor)
	r := validRisk("", w.users[aims.RoleContributor].ID, 2, 2)
	r.Controls = []string{"A.6.2.6"}
	if err := w.svc.CreateRisk(ctx, r); err != nil {
		t.Fatal(err)
	}
	if len(r.Issues) != 0 {
		t.Fatalf("issues of a consistent risk: %+v", r.Issues)
	}
	if _, err := w.svc.LinkRiskControl(ctx, r.ID, "A.11.1"); !aims.IsKind(err, aims.KindInvalid) || fieldList(err) != "control_id" {
		t.Errorf("unknown control: err = %v (%s)", err, fieldList(err))
	}
	if _, err := w.svc.LinkRiskControl(ctx, r.ID, "A.6.2.6"); !aims.IsKind(err, aims.KindConflict) {
		t.Errorf("linking twice: err = %v", err)
	}
	got, err := w.svc.LinkRiskControl(ctx, r.ID, "A.10.4")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Issues) != 1 || got.Issues[0].Field != "controls/1" || !strings.Contains(got.Issues[0].Detail, "A.10.4 not applicable") {
		t.Fatalf("issues after linking an excluded control: %+v", got.Issues)
	}
	got, err = w.svc.UnlinkRiskControl(ctx, r.ID, "A.10.4")
	if err != nil || len(got.Issues) != 0 || len(got.Controls) != 1 {
		t.Errorf("after unlinking: %+v (%v)", got, err)
	}
	if _, err := w.svc.UnlinkRiskControl(ctx, r.ID, "A.10.4"); !aims.IsKind(err, aims.KindNotFound) {
		t.Errorf("unlinking a control not linked: err = %v", err)
	}
}
