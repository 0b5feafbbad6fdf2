package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLineageImportExport imports instruments from a file and tags from
// standard input, reports every bad line of a bad file with exit status 2,
// and exports what an import reads back unchanged.
func TestLineageImportExport(t *testing.T) {
	dir := isolate(t)
	wantCode(t, runAIMS(t, dir, "a long password\n", "user", "create", "--org", "acme", "--email", "eng@acme.test", "--name", "Eva", "--role", "contributor"), 0, "user")
	file := filepath.Join(t.TempDir(), "instruments.csv")
	if err := os.WriteFile(file, []byte("name,kind,location\nMT-301,sensor,Line 2\nHistorian,software,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runAIMS(t, dir, "", "lineage", "import", "--kind", "instruments", file)
	wantCode(t, r, 0, "import instruments")
	if r.stdout != file+" imported into acme: 2 instruments row(s)\n" {
		t.Errorf("import printed %q", r.stdout)
	}
	r = runAIMS(t, dir, "name,unit,instrument\nMT-301 moisture,%,MT-301\nShift,,Nope\nTT-101 torque,kNm,TT-101\n", "lineage", "import", "--kind", "tags")
	wantCode(t, r, 2, "bad tags from stdin")
	for _, want := range []string{"line 3, instrument: no instrument is named \"Nope\"", "line 4, instrument: no instrument is named \"TT-101\""} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	r = runAIMS(t, dir, "name,unit,instrument\nMT-301 moisture,%,MT-301\n", "lineage", "import", "--kind", "tags")
	wantCode(t, r, 0, "tags from stdin")

	r = runAIMS(t, dir, "", "lineage", "export", "--kind", "tags")
	wantCode(t, r, 0, "export tags")
	if !strings.Contains(r.stdout, "name,unit,instrument,description,quality_caveats\n") || !strings.Contains(r.stdout, "MT-301 moisture,%,MT-301,,\n") {
		t.Errorf("export:\n%s", r.stdout)
	}
	out := filepath.Join(t.TempDir(), "instruments-export.csv")
	wantCode(t, runAIMS(t, dir, "", "lineage", "export", "--kind", "instruments", "-o", out), 0, "export to a file")
	r = runAIMS(t, dir, "", "lineage", "import", "--kind", "instruments", out)
	wantCode(t, r, 0, "re-import")
	wantCode(t, runAIMS(t, dir, "", "lineage", "export", "--kind", "pumps"), 2, "unknown kind")
	wantCode(t, runAIMS(t, dir, "", "lineage", "import", file), 2, "no kind")
	wantCode(t, runAIMS(t, dir, "", "lineage", "import", "--kind", "tags", filepath.Join(dir, "missing.csv")), 2, "missing file")
}
