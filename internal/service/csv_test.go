package service_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// formula is a cell that a spreadsheet would run: it must open as text.
const formula = `=HYPERLINK("http://x")`

var plainNumber = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// checkCSV asserts the shape every CSV export shares (docs/api.md, "CSV
// files"): a UTF-8 byte-order mark, records that parse, no cell that a
// spreadsheet would run as a formula, and, when want is set, a cell that
// starts with want behind the neutralising apostrophe. It returns the
// records.
func checkCSV(t *testing.T, body []byte, want string) [][]string {
	t.Helper()
	rest, ok := bytes.CutPrefix(body, []byte("\xef\xbb\xbf"))
	if !ok {
		t.Errorf("the CSV does not start with a UTF-8 byte-order mark: %q", body[:min(len(body), 20)])
	}
	r := csv.NewReader(bytes.NewReader(rest))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v", err)
	}
	found := false
	for i, rec := range recs {
		for j, c := range rec {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) && !plainNumber.MatchString(c) {
				t.Errorf("record %d cell %d = %q: a spreadsheet runs it as a formula", i+1, j+1, c)
			}
			if want != "" && strings.HasPrefix(c, "'"+want) {
				found = true
			}
		}
	}
	if want != "" && !found {
		t.Errorf("no cell holds '%s:\n%s", want, rest)
	}
	return recs
}

// TestCSVExportsNeutraliseFormulas puts a cell that a spreadsheet would run
// into a record of every CSV export and checks that each export writes it
// as text, with the byte-order mark every CSV starts with.
func TestCSVExportsNeutraliseFormulas(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newSoAWorld(t, db, "acme")
		edit, audit := w.as(aims.RoleContributor), w.as(aims.RoleAuditor)
		owner := w.users[aims.RoleSystemOwner]

		sys := storetest.System(formula, owner.ID)
		sys.LifecycleStage = aims.StageDeployed
		mustDo(t, w.svc.CreateSystem(edit, sys))
		risk := validRisk(sys.ID, owner.ID, 2, 3)
		risk.Title = "-" + formula
		mustDo(t, w.svc.CreateRisk(w.as(aims.RoleSystemOwner), risk))
		_, err := w.svc.StartSoADraft(w.as(aims.RoleAIMSManager), "")
		mustDo(t, err)
		excluded := aims.Excluded
		_, err = w.svc.UpdateSoARow(edit, 1, iso("A.10.4"), aims.SoARowUpdate{Applicability: &excluded, Justification: ptr("@" + formula)})
		mustDo(t, err)
		_, err = w.svc.ImportRequirementTexts(w.as(aims.RoleAIMSManager), "iso42001",
			fmt.Appendf(nil, "id,text\nA.2.2,\"\t%s\"\n", strings.ReplaceAll(formula, `"`, `""`)))
		mustDo(t, err)
		event := fmt.Appendf(nil, `{"model_version":"2.0","source":"gw-1","seq":1,"source_time":%q,"output":{"value":-38.5,"unit":%q}}`,
			time.Now().UTC().Add(-time.Minute).Format(time.RFC3339Nano), "+"+formula)
		_, err = w.svc.RecordDecision(w.as(aims.RoleAdmin), sys.ID, event, "test")
		mustDo(t, err)
		q := strings.ReplaceAll(formula, `"`, `""`)
		_, err = w.svc.ImportLineageCSV(edit, "instruments", strings.NewReader("name,kind\n\""+q+"\",sensor\n"))
		mustDo(t, err)
		_, err = w.svc.ImportLineageCSV(edit, "tags", strings.NewReader("name,unit,instrument\n\"\r"+q+"\",kNm,\""+q+"\"\n"))
		mustDo(t, err)
		_, err = w.svc.ImportLineageCSV(edit, "features", strings.NewReader("name,transformation,tags\n\""+q+"\",mean,\"\r"+q+"\"\n"))
		mustDo(t, err)

		exports := []struct {
			name  string
			want  string // "" where no user-written cell reaches the file
			write func(context.Context, io.Writer) error
		}{
			{"systems", formula, func(ctx context.Context, out io.Writer) error {
				return w.svc.ExportSystemsCSV(ctx, out, aims.SystemFilter{})
			}},
			{"risk register", "-" + formula, func(ctx context.Context, out io.Writer) error {
				return w.svc.ExportRisks(ctx, out, aims.RiskFilter{}, "csv")
			}},
			{"SoA", "@" + formula, func(ctx context.Context, out io.Writer) error {
				_, err := w.svc.ExportSoA(ctx, out, 1, "csv")
				return err
			}},
			{"decisions", "+" + formula, func(ctx context.Context, out io.Writer) error {
				return w.svc.ExportDecisionsCSV(ctx, out, sys.ID, aims.DecisionFilter{})
			}},
			{"lineage instruments", formula, func(ctx context.Context, out io.Writer) error {
				return w.svc.ExportLineageCSV(ctx, "instruments", out)
			}},
			{"lineage tags", formula, func(ctx context.Context, out io.Writer) error {
				return w.svc.ExportLineageCSV(ctx, "tags", out)
			}},
			{"lineage features", formula, func(ctx context.Context, out io.Writer) error {
				return w.svc.ExportLineageCSV(ctx, "features", out)
			}},
			{"framework with requirement texts", formula, func(ctx context.Context, out io.Writer) error {
				return w.svc.ExportCatalog(ctx, out, "iso42001", "csv", true)
			}},
			{"crosswalk", "", func(ctx context.Context, out io.Writer) error {
				return w.svc.ExportCrosswalk(ctx, out, "nist-ai-rmf_iso42001", "csv")
			}},
			{"EU AI Act classifications", formula, func(ctx context.Context, out io.Writer) error {
				return w.svc.ExportClassificationSummaryCSV(ctx, out)
			}},
		}
		for _, e := range exports {
			t.Run(e.name, func(t *testing.T) {
				var buf bytes.Buffer
				if err := e.write(audit, &buf); err != nil {
					t.Fatal(err)
				}
				checkCSV(t, buf.Bytes(), e.want)
			})
		}

		// The exports meant to be imported again import back unchanged
		// (imports trim the blanks around a cell, so a leading tab or
		// carriage return does not reach a record through them).
		for _, kind := range []string{"instruments", "tags", "features"} {
			var buf bytes.Buffer
			mustDo(t, w.svc.ExportLineageCSV(edit, kind, &buf))
			if _, err := w.svc.ImportLineageCSV(edit, kind, &buf); err != nil {
				t.Fatalf("import the %s export back: %v", kind, err)
			}
		}
		tags, _, err := w.svc.FindTags(edit, aims.TagFilter{})
		mustDo(t, err)
		if len(tags) != 1 || tags[0].Name != formula || tags[0].InstrumentName != formula {
			t.Errorf("tag after the round trip: %+v", tags)
		}
		var buf bytes.Buffer
		mustDo(t, w.svc.ExportSystemsCSV(audit, &buf, aims.SystemFilter{}))
		res, err := w.svc.ImportSystemsCSV(edit, &buf, true)
		if err != nil || res.Unchanged != 1 {
			t.Errorf("import the systems export back: %+v, %v", res, err)
		}
	})
}
