package service_test

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// checkWorkbook asserts the shape every XLSX export shares (docs/api.md,
// "Spreadsheets and PDFs"): a header row with an autofilter over the table
// and frozen under it, document properties naming aims, the organization
// and the creation time, numbers in numberCols as numbers and days in
// dateCols as dates. It returns the file.
func checkWorkbook(t *testing.T, b []byte, sheet, org string, numberCols, dateCols []string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	rows, err := f.GetRows(sheet)
	if err != nil || len(rows) < 2 {
		t.Fatalf("sheet %q: %d rows, %v", sheet, len(rows), err)
	}
	header := rows[0]
	last, _ := excelize.ColumnNumberToName(len(header))
	wantFilter := fmt.Sprintf("'%s'!$A$1:$%s$%d", sheet, last, len(rows))
	if !slices.ContainsFunc(f.GetDefinedName(), func(d excelize.DefinedName) bool {
		return d.Name == "_xlnm._FilterDatabase" && d.RefersTo == wantFilter
	}) {
		t.Errorf("no autofilter over %s: defined names %+v", wantFilter, f.GetDefinedName())
	}
	if p, err := f.GetPanes(sheet); err != nil || !p.Freeze || p.YSplit != 1 || p.TopLeftCell != "A2" {
		t.Errorf("panes = %+v, %v; want the header row frozen", p, err)
	}
	doc, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	app, err := f.GetAppProps()
	if err != nil {
		t.Fatal(err)
	}
	created, err := time.Parse(time.RFC3339, doc.Created)
	if doc.Creator != "aims" || app.Application != "aims" || app.Company != org || err != nil || time.Since(created) > time.Hour {
		t.Errorf("properties: creator %q, application %q, company %q, created %q; want aims, aims, %q, now", doc.Creator, app.Application, app.Company, doc.Created, org)
	}
	column := func(name string) int {
		i := slices.Index(header, name)
		if i < 0 {
			t.Fatalf("no column %q in %v", name, header)
		}
		return i + 1
	}
	typed := func(name string, date bool) {
		c, found := column(name), 0
		for r := 2; r <= len(rows); r++ {
			cell, _ := excelize.CoordinatesToCellName(c, r)
			raw, _ := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
			if raw == "" {
				continue
			}
			found++
			typ, _ := f.GetCellType(sheet, cell)
			if _, err := strconv.ParseFloat(raw, 64); err != nil || (typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber) {
				t.Errorf("%s %s = %q (type %v), want a number", name, cell, raw, typ)
				continue
			}
			if shown, _ := f.GetCellValue(sheet, cell); date {
				if _, err := time.Parse(aims.DateLayout, shown); err != nil {
					t.Errorf("%s %s shows %q, want a date YYYY-MM-DD", name, cell, shown)
				}
			}
		}
		if found == 0 {
			t.Errorf("column %q is empty; the test needs values", name)
		}
	}
	for _, n := range numberCols {
		typed(n, false)
	}
	for _, n := range dateCols {
		typed(n, true)
	}
	return f
}

func TestXLSXExports(t *testing.T) {
	t.Run("SoA", func(t *testing.T) {
		w := newSoAWorld(t, storetest.OpenSQLite(t), "acme")
		if err := demo.SeedSoA(w.as(aims.RoleAdmin), w.svc); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := w.svc.ExportSoA(w.as(aims.RoleAuditor), &buf, 1, "xlsx"); err != nil {
			t.Fatal(err)
		}
		f := checkWorkbook(t, buf.Bytes(), "Statement of Applicability", w.f.Org.Name, nil, []string{"Target date"})
		if typ, _ := f.GetCellType("Statement of Applicability", "B2"); typ == excelize.CellTypeUnset || typ == excelize.CellTypeNumber {
			t.Errorf("the control id B2 is of type %v, want text", typ)
		}
	})
	t.Run("risk register", func(t *testing.T) {
		svc, op := demoWithRisk(t, storetest.OpenSQLite(t))
		var buf bytes.Buffer
		if err := svc.ExportRisks(op, &buf, aims.RiskFilter{}, "xlsx"); err != nil {
			t.Fatal(err)
		}
		org, err := svc.ResolveOrganization(op, demo.Slug)
		if err != nil {
			t.Fatal(err)
		}
		checkWorkbook(t, buf.Bytes(), "Risk register", org.Name,
			[]string{"Inherent likelihood", "Inherent consequence", "Residual likelihood", "Open actions", "Criteria version"},
			[]string{"Next review", "Accepted on"})
	})
}
