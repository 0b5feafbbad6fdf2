package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsproject/aims/internal/config"
)

// readmeSection returns the lines of docs/install.md's section with this title.
func readmeSection(t *testing.T, title string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "install.md"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "## ") {
			in = strings.TrimSpace(line[3:]) == title
			continue
		}
		if in {
			out = append(out, line)
		}
	}
	if len(out) == 0 {
		t.Fatalf("docs/install.md has no section %q", title)
	}
	return out
}

// TestDocsListEveryOption checks that the configuration table of docs/install.md
// has one row per option, in the table's order, with the option's
// variable, flag and default.
func TestDocsListEveryOption(t *testing.T) {
	var got [][3]string
	for _, line := range readmeSection(t, "Configuration") {
		if !strings.HasPrefix(line, "| `AIMS_") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) < 4 {
			t.Fatalf("docs/install.md row %q has %d cells, want 4", line, len(cells))
		}
		row := [3]string{}
		for i := range row {
			row[i] = strings.Trim(strings.TrimSpace(cells[i]), "`")
		}
		if row[2] == "(none)" {
			row[2] = ""
		}
		row[1] = strings.TrimPrefix(row[1], "--")
		got = append(got, row)
	}
	var want [][3]string
	for _, o := range config.Options {
		want = append(want, [3]string{o.Env, o.Name, o.Default})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("docs/install.md's configuration table and config.Options disagree (-options +docs):\n%s\nEach row is | `ENV` | `--flag` | `default` or (none) | meaning |.", diff)
	}
}
