package api_test

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// TestEvidenceExportCSV: an auditor exports every revision with its links,
// digest, size, freshness in words and log index; another organization's
// export holds none of it.
func TestEvidenceExportCSV(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		a, b := e.orgs["a"], e.orgs["b"]
		added := a.mustEvidence(t, e)
		read := func(o *orgEnv) [][]string {
			t.Helper()
			res := e.do(t, request{method: "GET", url: "/api/v1/evidence/export.csv", token: o.tokens[aims.RoleAuditor]})
			if res.Code != 200 || !strings.HasPrefix(res.Header().Get("Content-Type"), "text/csv") {
				t.Fatalf("export: %d %s %s", res.Code, res.Header().Get("Content-Type"), res.Body)
			}
			rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(res.Body.Bytes(), []byte("\ufeff")))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) == 0 || strings.Join(rows[0], ",") != strings.Join(service.EvidenceCSVColumns, ",") {
				t.Fatalf("header %v", rows)
			}
			return rows[1:]
		}
		rows := read(a)
		col := func(row []string, name string) string {
			for i, c := range service.EvidenceCSVColumns {
				if c == name {
					return row[i]
				}
			}
			t.Fatalf("no column %q", name)
			return ""
		}
		var found []string
		for _, r := range rows {
			if col(r, "Evidence") == added.Evidence.ID {
				found = r
			}
		}
		if found == nil {
			t.Fatalf("the revision is not exported: %v", rows)
		}
		rev := added.Revision
		if col(found, "SHA-256") != rev.Digest || col(found, "Kind") != "validation-report" || col(found, "Latest") != "yes" ||
			!strings.Contains(col(found, "Links"), "requirement=iso42001:A.6.2.4") || col(found, "Size (bytes)") == "0" ||
			col(found, "Freshness") != aims.FreshCurrent.Title() || col(found, "Log index") == "" {
			t.Fatalf("exported row %v, want its digest %s, kind, links, size, current freshness and log index", found, rev.Digest)
		}
		if rev.LogIndex != nil && col(found, "Log index") != strconv.FormatInt(*rev.LogIndex, 10) {
			t.Fatalf("log index %s, want %d", col(found, "Log index"), *rev.LogIndex)
		}
		for _, r := range read(b) {
			if col(r, "Evidence") == added.Evidence.ID || col(r, "SHA-256") == rev.Digest {
				t.Fatalf("another organization's export lists a's evidence: %v", r)
			}
		}
	})
}
