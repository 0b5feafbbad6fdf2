package catalog_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/catalog"
	"github.com/aimsproject/aims/internal/fuzzseed"
)

// FuzzParseOSCALCatalog: any file refused with an invalid or bad-request
// error (never a panic, never an internal error), no control character in
// what it accepts (PostgreSQL cannot store a NUL), and what it accepts
// exports and imports back with the same requirements.
func FuzzParseOSCALCatalog(f *testing.F) {
	handmade, err := os.ReadFile("testdata/oscal/handmade-catalog.json")
	if err != nil {
		f.Fatal(err)
	}
	fuzzseed.Add(f, "handmade", handmade)
	fuzzseed.Add(f, "profile", []byte(`{"profile":{}}`))
	// Found before the fuzzer ran, kept as its regression seed: a NUL in
	// a title was accepted (and failed on PostgreSQL).
	fuzzseed.Add(f, "nul-in-title", bytes.Replace(handmade, []byte("Event logging"), []byte(`Event\u0000logging`), 1))
	fuzzseed.Add(f, "deep", []byte(`{"catalog":{"metadata":{"title":"T","version":"1"},"groups":[{"id":"g","title":"G","groups":[{"id":"h","title":"H","controls":[{"id":"c","title":"C","controls":[{"id":"d","title":"D"}]}]}]}]}}`))
	fuzzseed.Add(f, "not-json", []byte(`{"catalog":`))
	fuzzseed.Add(f, "array", []byte(`[]`))
	builtin := catalog.Builtin()
	f.Fuzz(func(t *testing.T, data []byte) {
		fw, err := catalog.ParseOSCALCatalog(data)
		if err != nil {
			if k := aims.KindOf(err); k != aims.KindInvalid && k != aims.KindBadRequest {
				t.Fatalf("refused with kind %s: %v", k, err)
			}
			return
		}
		texts := []string{fw.ID, fw.Title, fw.Version}
		for _, r := range fw.Requirements {
			texts = append(texts, r.ID, r.Title, r.Text)
		}
		for _, s := range texts {
			if p := aims.TextProblem(s, aims.TextFree); p != "" {
				t.Fatalf("accepted text %q that %s", s, p)
			}
		}
		c, err := builtin.With([]*aims.Framework{fw}, nil)
		if err != nil {
			return // a framework id the catalog refuses (a built-in's)
		}
		out, err := c.ExportCatalog(fw, nil, now)
		if err != nil {
			t.Fatalf("export of an accepted catalog: %v", err)
		}
		back, err := catalog.ParseOSCALCatalog(out)
		if err != nil {
			t.Fatalf("import of the export of an accepted catalog: %v\n%s", err, out)
		}
		if len(back.Requirements) != len(fw.Requirements) {
			t.Fatalf("%d requirements came back, want %d", len(back.Requirements), len(fw.Requirements))
		}
	})
}
