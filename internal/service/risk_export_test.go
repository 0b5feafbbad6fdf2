package service_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"log/slog"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/xuri/excelize/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

func TestRiskAndImpactExports(t *testing.T) {
	svc, op := demoWithRisk(t, storetest.OpenSQLite(t))
	risks, total, err := svc.FindRisks(op, aims.RiskFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("xlsx", func(t *testing.T) {
		var buf bytes.Buffer
		if err := svc.ExportRisks(op, &buf, aims.RiskFilter{}, "xlsx"); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatalf("the XLSX does not open: %v", err)
		}
		rows, err := f.GetRows("Risk register")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != total+1 || rows[0][0] != "Risk" || rows[0][9] != "Inherent level" {
			t.Fatalf("XLSX has %d rows (header %v), want a header and %d risks", len(rows), rows[0], total)
		}
		seen := map[string]bool{}
		for _, r := range rows[1:] {
			seen[r[0]] = true
		}
		for _, r := range risks {
			if !seen[r.Ref()] {
				t.Errorf("the XLSX lacks %s", r.Ref())
			}
		}
		if len(seen) != total {
			t.Errorf("the XLSX names %d distinct risks, want %d", len(seen), total)
		}
	})

	t.Run("csv filtered", func(t *testing.T) {
		var buf bytes.Buffer
		if err := svc.ExportRisks(op, &buf, aims.RiskFilter{Status: aims.RiskAccepted}, "csv"); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		_, accepted, _ := svc.FindRisks(op, aims.RiskFilter{Status: aims.RiskAccepted})
		if len(recs) != accepted+1 || accepted == 0 {
			t.Fatalf("CSV: %d records, want a header and %d accepted risks", len(recs), accepted)
		}
		for _, r := range recs[1:] {
			if r[16] != "Accepted" || r[17] == "" || r[19] == "" {
				t.Errorf("row %v: want accepted with who and why", r[:3])
			}
		}
	})

	t.Run("unknown format", func(t *testing.T) {
		if err := svc.ExportRisks(op, &bytes.Buffer{}, aims.RiskFilter{}, "ods"); !aims.IsKind(err, aims.KindInvalid) {
			t.Errorf("err = %v, want invalid", err)
		}
	})

	t.Run("impact assessment pdf", func(t *testing.T) {
		systems, _, _ := svc.FindSystems(op, aims.SystemFilter{Search: "credit scoring"})
		sys := systems[0]
		list, err := svc.FindImpactAssessments(op, sys.ID)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := svc.ExportImpactAssessment(op, &buf, sys.ID, list[0].ID); err != nil {
			t.Fatal(err)
		}
		conf := model.NewDefaultConfiguration()
		conf.ValidationMode = model.ValidationRelaxed
		if err := api.Validate(bytes.NewReader(buf.Bytes()), conf); err != nil {
			t.Fatalf("the PDF is not valid: %v", err)
		}
		// Words only: the PDF wraps long cells over several lines.
		text := strings.Join(strings.Fields(pdfText(t, buf.Bytes())), " ")
		for _, a := range aims.ImpactAreaValues() {
			if !strings.Contains(text, a.Title()) {
				t.Errorf("the PDF lacks impact area %q", a.Title())
			}
		}
		systemRisks, _, _ := svc.FindRisks(op, aims.RiskFilter{SystemID: sys.ID})
		if len(systemRisks) == 0 {
			t.Fatal("the credit system has no risks")
		}
		for _, r := range systemRisks {
			if !strings.Contains(text, r.Ref()) {
				t.Errorf("the PDF lacks risk %s", r.Ref())
			}
		}
		for _, want := range []string{"AI system impact assessment", "Consumer credit scoring", "Out of date", "cs-2025.1"} {
			if !strings.Contains(text, want) {
				t.Errorf("the PDF's text lacks %q", want)
			}
		}
	})
}

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
