package service_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

func cvScreener(rationale string) aims.ClassificationAnswers {
	yes := true
	return aims.ClassificationAnswers{AISystem: &yes, Roles: []aims.OperatorRole{aims.OperatorDeployer},
		AnnexIIIPoints: []string{"Annex III 4(a)"}, Rationale: rationale}
}

func TestClassifySystem(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newSoAWorld(t, db, "acme")
		owner := w.users[aims.RoleSystemOwner]
		mine := w.f.MustCreateSystem(t, db, storetest.System("CV screener", owner.ID))
		theirs := w.f.MustCreateSystem(t, db, storetest.System("Chatbot", w.f.Admin.ID))
		w.f.MustCreateSystem(t, db, storetest.System("Forecaster", w.f.Admin.ID))

		// Who may classify: the system's owner, editors; not an auditor, not
		// another system's owner.
		c, changed, err := w.svc.ClassifySystem(w.as(aims.RoleSystemOwner), mine.ID, cvScreener("Filters applications."))
		if err != nil || !changed || c.Version != 1 || c.Tier != aims.TierHighRisk || c.ClassifiedBy != owner.Email {
			t.Fatalf("owner classifies own system: %+v changed %v (%v)", c, changed, err)
		}
		for _, role := range []aims.Role{aims.RoleAuditor, aims.RoleViewer, aims.RoleSystemOwner} {
			if _, _, err := w.svc.ClassifySystem(w.as(role), theirs.ID, cvScreener("x")); !aims.IsKind(err, aims.KindForbidden) {
				t.Errorf("%s classifies another's system: err = %v, want forbidden", role, err)
			}
		}
		// The same answers (in another spelling) make no new version.
		same := cvScreener("  Filters applications. ")
		same.AnnexIIIPoints = []string{"4(a)"}
		if c, changed, err := w.svc.ClassifySystem(w.as(aims.RoleContributor), mine.ID, same); err != nil || changed || c.Version != 1 {
			t.Errorf("same answers: version %d changed %v (%v), want version 1 unchanged", c.Version, changed, err)
		}
		// New answers make version 2; a refused answer makes nothing.
		derog := cvScreener("Only orders applications for reading.")
		derog.DerogationConditions, derog.NoSignificantRisk = []string{"d"}, true
		if c, _, err := w.svc.ClassifySystem(w.as(aims.RoleAIMSManager), mine.ID, derog); err != nil || c.Version != 2 || c.Tier != aims.TierMinimal {
			t.Fatalf("second reading: %+v (%v)", c, err)
		}
		bad := cvScreener("x")
		bad.AnnexIIIPoints = []string{"4(z)"}
		if _, _, err := w.svc.ClassifySystem(w.as(aims.RoleAdmin), mine.ID, bad); !aims.IsKind(err, aims.KindInvalid) {
			t.Errorf("unknown point: err = %v, want invalid", err)
		}
		versions, err := w.svc.FindClassificationVersions(w.as(aims.RoleViewer), mine.ID)
		if err != nil || len(versions) != 2 {
			t.Fatalf("versions = %d (%v), want 2", len(versions), err)
		}
		diff := aims.DiffClassificationAnswers(versions[1].Answers, versions[0].Answers)
		var fields []string
		for _, d := range diff {
			fields = append(fields, d.Field)
		}
		if want := []string{"derogation_conditions", "no_significant_risk", "rationale"}; !slices.Equal(fields, want) {
			t.Errorf("diff of v1 and v2 names %v, want %v", fields, want)
		}
		if _, err := w.svc.FindClassification(w.as(aims.RoleViewer), theirs.ID); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("unclassified system: err = %v, want not found", err)
		}

		// The portfolio: one classified (minimal), two not.
		sum, err := w.svc.ClassificationSummary(w.as(aims.RoleAuditor))
		if err != nil {
			t.Fatal(err)
		}
		if sum.Systems != 3 || sum.Classified != 1 || len(sum.Unclassified) != 2 || sum.Tiers[3].Tier != aims.TierMinimal || sum.Tiers[3].Count != 1 {
			t.Errorf("summary = %d systems, %d classified, %d unclassified, tiers %+v", sum.Systems, sum.Classified, len(sum.Unclassified), sum.Tiers)
		}
		if len(sum.Obligations) != 1 || sum.Obligations[0].Article != "Art. 4" || sum.Obligations[0].Systems[0].ID != mine.ID {
			t.Errorf("obligations = %+v, want Art. 4 for the CV screener", sum.Obligations)
		}
		var buf bytes.Buffer
		if err := w.svc.ExportClassificationSummaryCSV(w.as(aims.RoleAuditor), &buf); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil || len(rows) != 4 || !slices.Equal(rows[0], service.ClassificationSummaryCSVColumns) {
			t.Fatalf("CSV = %q (%v), want a header and 3 rows", rows, err)
		}
		if r := rows[2]; r[0] != "CV screener" || r[2] != "minimal" || r[5] != "Art. 4" || r[6] != "2" {
			t.Errorf("CV screener row = %q", r)
		}
		if err := w.svc.ExportClassificationSummaryCSV(w.as(aims.RoleViewer), &buf); !aims.IsKind(err, aims.KindForbidden) {
			t.Errorf("viewer exports: err = %v, want forbidden", err)
		}
	})
}

// The demo portfolio lands where issue 4 says, each with its rationale.
func TestSeedDemoClassification(t *testing.T) {
	db := storetest.OpenSQLite(t)
	svc := service.New(db, nil)
	ctx := context.Background()
	if _, err := demo.Ensure(ctx, svc); err != nil {
		t.Fatal(err)
	}
	org, err := svc.ResolveOrganization(ctx, demo.Slug)
	if err != nil {
		t.Fatal(err)
	}
	op := service.OperatorContext(ctx, org, "test")
	if err := demo.SeedClassification(op, svc); err != nil {
		t.Fatal(err)
	}
	if err := demo.SeedClassification(op, svc); err != nil { // a second run adds nothing
		t.Fatal(err)
	}
	sum, err := svc.ClassificationSummary(op)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		tier     aims.Tier
		basis    string
		versions int
		impact   aims.ImpactClass
		says     string
	}{
		"Consumer credit scoring":              {aims.TierHighRisk, "Annex III 5(b)", 1, aims.ImpactHigh, "creditworthiness"},
		"CV screening assistant":               {aims.TierHighRisk, "Annex III 4(a)", 2, aims.ImpactHigh, "profiling"},
		"Customer service chatbot":             {aims.TierTransparency, "Art. 50(1)", 1, aims.ImpactMedium, "interacts directly"},
		"Dewatering setpoint optimizer":        {aims.TierMinimal, "", 1, aims.ImpactHigh, "not critical infrastructure"},
		"Press section predictive maintenance": {aims.TierMinimal, "", 1, aims.ImpactMedium, "minimal risk"},
	}
	if sum.Classified != len(want) || len(sum.Unclassified) != 0 {
		t.Errorf("%d classified, %d not, want all %d", sum.Classified, len(sum.Unclassified), len(want))
	}
	for _, row := range sum.Portfolio {
		w, ok := want[row.Name]
		if !ok {
			continue
		}
		if row.Tier != w.tier || (w.basis != "" && !slices.Contains(row.Basis, w.basis)) || row.Version != w.versions || row.ImpactClass != w.impact {
			t.Errorf("%s: %s %v v%d impact %s, want %s %s v%d impact %s", row.Name, row.Tier, row.Basis, row.Version, row.ImpactClass,
				w.tier, w.basis, w.versions, w.impact)
		}
		c, err := svc.FindClassification(op, row.ID)
		if err != nil {
			t.Fatal(err)
		}
		if own := c.Rationale[len(c.Rationale)-1]; !own.Own || !strings.Contains(own.Text, w.says) {
			t.Errorf("%s: rationale %q does not say %q", row.Name, own.Text, w.says)
		}
	}
	// The credit scorer's deployer side owes a fundamental rights impact
	// assessment (Art. 27, Annex III 5(b)).
	for _, a := range sum.Obligations {
		if a.Article == "Art. 27" && (len(a.Systems) != 1 || a.Systems[0].Name != "Consumer credit scoring") {
			t.Errorf("Art. 27 binds %+v, want only the credit scorer", a.Systems)
		}
	}
}
