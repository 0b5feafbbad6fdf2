package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// TestRegisterCSVExports downloads the suppliers, the datasets and the
// audit trail as CSV: the documented columns, the whole filtered list,
// a formula-like name opening as text, and nothing of another
// organization.
func TestRegisterCSVExports(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		a, b := e.orgs["a"], e.orgs["b"]
		ctxA := service.OperatorContext(context.Background(), a.Org, "test")
		ctxB := service.OperatorContext(context.Background(), b.Org, "test")
		sup := &aims.Supplier{Name: "=HYPERLINK(\"http://x\")", Supplies: []aims.SupplyCategory{aims.SupplyCategory("data")}}
		if err := e.svc.CreateSupplier(ctxA, sup); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.CreateSupplier(ctxA, &aims.Supplier{Name: "Plain Data Ltd", Supplies: []aims.SupplyCategory{"model"}}); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.CreateSupplier(ctxB, &aims.Supplier{Name: "Other Org Supplies", Supplies: []aims.SupplyCategory{"data"}}); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.CreateDataset(ctxA, &aims.Dataset{Name: "Loan book 2025", SupplierID: sup.ID}); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.CreateDataset(ctxB, &aims.Dataset{Name: "Other Org Data"}); err != nil {
			t.Fatal(err)
		}
		export := func(path string, role aims.Role) (string, [][]string) {
			t.Helper()
			res := e.do(t, request{method: http.MethodGet, url: "/api/v1" + path, token: a.tokens[role]})
			if res.Code != http.StatusOK {
				t.Fatalf("GET %s as %s: %d %s", path, role, res.Code, res.Body)
			}
			if ct := res.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" {
				t.Errorf("%s: Content-Type %q", path, ct)
			}
			if cd := res.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=") {
				t.Errorf("%s: Content-Disposition %q", path, cd)
			}
			body := res.Body.Bytes()
			if !bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")) {
				t.Errorf("%s does not start with a UTF-8 byte-order mark", path)
			}
			rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF")))).ReadAll()
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			return string(body), rows
		}
		body, rows := export("/suppliers/export.csv", aims.RoleContributor)
		if !slices.Equal(rows[0], service.SupplierCSVColumns) || len(rows) != 3 {
			t.Errorf("suppliers: header %q and %d rows, want the documented columns and 2 suppliers", rows[0], len(rows)-1)
		}
		if !slices.ContainsFunc(rows, func(r []string) bool { return r[0] == `'=HYPERLINK("http://x")` && r[1] == "data" }) {
			t.Errorf("suppliers: the formula-like name is not neutralised: %q", rows)
		}
		if strings.Contains(body, "Other Org") {
			t.Errorf("suppliers export holds another organization's supplier")
		}
		if _, rows := export("/suppliers/export.csv?supplies=model&per_page=1&page=2", aims.RoleContributor); len(rows) != 2 || rows[1][0] != "Plain Data Ltd" {
			t.Errorf("suppliers ?supplies=model: %q, want Plain Data Ltd only (the filter holds, the page is ignored)", rows)
		}
		body, rows = export("/datasets/export.csv", aims.RoleAuditor)
		if !slices.Equal(rows[0], service.DatasetCSVColumns) || len(rows) != 2 || rows[1][0] != "Loan book 2025" || rows[1][9] != `'=HYPERLINK("http://x")` {
			t.Errorf("datasets: %q, want one row naming its supplier as text", rows)
		}
		if strings.Contains(body, "Other Org") {
			t.Errorf("datasets export holds another organization's dataset")
		}
		body, rows = export("/audit-events/export.csv?entity_type=supplier", aims.RoleAuditor)
		if !slices.Equal(rows[0], service.AuditCSVColumns) || len(rows) != 3 {
			t.Errorf("audit trail of suppliers: %d rows, want 2 events", len(rows)-1)
		}
		if !slices.ContainsFunc(rows, func(r []string) bool { return r[3] == "create" && r[5] == `'=HYPERLINK("http://x")` }) {
			t.Errorf("audit trail: the supplier's creation is missing or its label runs as a formula: %q", rows)
		}
		if strings.Contains(body, "Other Org") {
			t.Errorf("audit trail export holds another organization's events")
		}
	})
}
