package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// TestExportDecisionsCSV downloads an AI system's decisions as an auditor
// does: a UTF-8 file with a byte-order mark, the documented columns, one
// row per decision oldest first, and the list's filters (source, model
// version, what a person did, time) narrowing it.
func TestExportDecisionsCSV(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		sys := o.mustSystem(t, e.db, o.Admin.ID)
		ctx := service.OperatorContext(context.Background(), o.Org, "test")
		base := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
		record := func(i int, source, version, human string) {
			t.Helper()
			h := ""
			if human != "" {
				h = fmt.Sprintf(`,"human":{"action":%q,"by":"j.doe","at":%q,"value":40}`, human, base.Add(time.Duration(i)*time.Hour+time.Minute).Format(time.RFC3339))
			}
			body := fmt.Sprintf(`{"model_version":%q,"source":%q,"seq":%d,"source_time":%q,"inputs":{"TT-101 torque":41.5},"output":{"value":43.1,"unit":"%%"},"attributes":{"batch":"B-%d"}%s}`,
				version, source, i, base.Add(time.Duration(i)*time.Hour).Format(time.RFC3339), i, h)
			if _, err := e.svc.RecordDecision(ctx, sys.ID, []byte(body), service.ViaCLI); err != nil {
				t.Fatalf("record decision %d: %v", i, err)
			}
		}
		// Recorded out of order: the file is in source_time order.
		record(3, "gw-line-2", "2.0", "")
		record(1, "gw-line-1", "1.0", "")
		record(2, "gw-line-1", "2.0", "overridden")
		record(4, "gw-line-2", "2.0", "approved")

		export := func(query string) [][]string {
			t.Helper()
			res := e.do(t, request{method: http.MethodGet, url: "/api/v1/systems/" + sys.ID + "/decisions/export.csv?" + query,
				token: o.tokens[aims.RoleAuditor]})
			if res.Code != http.StatusOK {
				t.Fatalf("export ?%s: status %d; body: %s", query, res.Code, res.Body)
			}
			if ct := res.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			body := res.Body.Bytes()
			if !bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")) {
				t.Errorf("the file does not start with a UTF-8 byte-order mark")
			}
			rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF")))).ReadAll()
			if err != nil {
				t.Fatalf("read CSV: %v", err)
			}
			if len(rows) == 0 || !slices.Equal(rows[0], service.DecisionCSVColumns) {
				t.Fatalf("header %v, want %v", rows[0], service.DecisionCSVColumns)
			}
			return rows[1:]
		}
		col := func(name string) int { return slices.Index(service.DecisionCSVColumns, name) }
		batches := func(rows [][]string) []string {
			var out []string
			for _, r := range rows {
				out = append(out, r[col("attributes")])
			}
			return out
		}
		b := func(ns ...int) []string {
			var out []string
			for _, n := range ns {
				out = append(out, fmt.Sprintf(`{"batch":"B-%d"}`, n))
			}
			return out
		}

		all := export("")
		if got := batches(all); !slices.Equal(got, b(1, 2, 3, 4)) {
			t.Errorf("every decision: %v", got)
		}
		first := all[0]
		want := map[string]string{"source_time": "2026-03-01T09:00:00Z", "model_version": "1.0", "source": "gw-line-1", "seq": "1",
			"human": "none", "output_value": "43.1", "output_unit": "%", "inputs": `{"TT-101 torque":41.5}`, "erased_at": ""}
		for name, v := range want {
			if got := first[col(name)]; got != v {
				t.Errorf("first row %s = %q, want %q", name, got, v)
			}
		}
		if first[col("id")] == "" || first[col("payload_digest")] == "" || first[col("log_index")] == "" {
			t.Errorf("first row lacks its id, digest or log index: %v", first)
		}
		over := all[1]
		if over[col("human")] != "overridden" || over[col("human_by")] != "j.doe" || over[col("human_at")] != "2026-03-01T10:01:00Z" {
			t.Errorf("the override's row: human %q by %q at %q", over[col("human")], over[col("human_by")], over[col("human_at")])
		}

		for _, c := range []struct {
			query string
			want  []string
		}{
			{"source=gw-line-2", b(3, 4)},
			{"model_version=2.0", b(2, 3, 4)},
			{"human=overridden", b(2)},
			{"human=approved", b(4)},
			{"human=none", b(1, 3)},
			{"since=" + url.QueryEscape("2026-03-01T10:00:00Z") + "&until=" + url.QueryEscape("2026-03-01T12:00:00Z"), b(2, 3)},
			{"source=gw-line-1&model_version=2.0", b(2)},
			{"source=gw-nowhere", nil},
		} {
			if got := batches(export(c.query)); !slices.Equal(got, c.want) {
				t.Errorf("?%s: %v, want %v", c.query, got, c.want)
			}
		}
	})
}
