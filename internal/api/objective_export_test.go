package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
)

// TestObjectivesSortAndExport lists objectives in each order and exports
// them as CSV in the documented columns, the filter and order kept; an
// unknown order is refused naming the parameter, and a viewer does not
// export.
func TestObjectivesSortAndExport(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		a := e.orgs["a"]
		mk := func(title string, months int) {
			target := 1.0
			due := aims.DateOf(time.Now().AddDate(0, months, 0))
			ob := &aims.Objective{Title: title, OwnerID: a.Admin.ID, Comparison: aims.AtLeast, TargetValue: &target, Unit: "sessions",
				DueDate: &due, Cadence: aims.Monthly, Measure: aims.MeasureManual}
			ob.Normalize()
			a.mustWrite(t, e.db, func(ctx context.Context, tx *store.Tx) error { return store.CreateObjective(ctx, tx, a.Scope, ob) })
		}
		mk("Sorted B, due first", 2)
		mk("Sorted A, due last", 9)
		titles := func(query string) []string {
			t.Helper()
			var out []string
			var page listPage[aims.Objective]
			decode(t, e.do(t, request{method: http.MethodGet, url: "/api/v1/objectives?q=sorted" + query, token: a.tokens[aims.RoleViewer]}), &page)
			for _, o := range page.Items {
				out = append(out, o.Title)
			}
			return out
		}
		for query, want := range map[string][]string{
			"":             {"Sorted B, due first", "Sorted A, due last"},
			"&sort=-due":   {"Sorted A, due last", "Sorted B, due first"},
			"&sort=title":  {"Sorted A, due last", "Sorted B, due first"},
			"&sort=-title": {"Sorted B, due first", "Sorted A, due last"},
		} {
			if got := titles(query); !slices.Equal(got, want) {
				t.Errorf("?q=sorted%s: %q, want %q", query, got, want)
			}
		}
		bad := e.do(t, request{method: http.MethodGet, url: "/api/v1/objectives?sort=status", token: a.tokens[aims.RoleViewer]})
		if bad.Code != http.StatusUnprocessableEntity || !strings.Contains(bad.Body.String(), "sort") {
			t.Errorf("unknown order: %d %s, want 422 naming sort", bad.Code, bad.Body)
		}
		e.run(t, []scenario{
			{name: "a viewer does not export", method: http.MethodGet, url: "/api/v1/objectives/export.csv", role: aims.RoleViewer,
				wantStatus: http.StatusForbidden},
		})

		res := e.do(t, request{method: http.MethodGet, url: "/api/v1/objectives/export.csv?q=sorted&sort=title", token: a.tokens[aims.RoleAuditor]})
		if res.Code != http.StatusOK {
			t.Fatalf("export: %d %s", res.Code, res.Body)
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(res.Body.Bytes(), []byte("\xEF\xBB\xBF")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(rows[0], service.ObjectiveCSVColumns) || len(rows) != 3 {
			t.Fatalf("export: header %q and %d rows, want the documented columns and 2 objectives", rows[0], len(rows)-1)
		}
		col := func(name string) int { return slices.Index(rows[0], name) }
		if r := rows[1]; r[col("title")] != "Sorted A, due last" || r[col("target_value")] != "1" || r[col("unit")] != "sessions" ||
			r[col("status")] != string(aims.NotMeasured) || r[col("owner")] == "" {
			t.Errorf("first row: %q", r)
		}
	})
}
