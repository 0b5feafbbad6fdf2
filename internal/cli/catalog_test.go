package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/cli"
)

func runAims(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	p := &cli.Program{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Version: "test"}
	err := p.Run(context.Background(), append(args, "--log-level", "error"))
	return out.String(), err
}

func TestCatalogAndSoACommands(t *testing.T) {
	dir := t.TempDir()
	data := "--data-dir=" + filepath.Join(dir, "data")
	if _, err := runAims(t, "correct horse battery\n", "user", "create", "--org", "acme", "--email", "a@acme.test", "--name", "A", "--role", "admin", data); err != nil {
		t.Fatal(err)
	}
	out, err := runAims(t, "", "catalog", "list", data)
	if err != nil || !strings.Contains(out, "nist-ai-rmf_iso42001") || !strings.Contains(out, "eu-ai-act") {
		t.Fatalf("catalog list: %v\n%s", err, out)
	}
	out, err = runAims(t, "", "catalog", "show", "iso42001:A.6.2.8", data)
	if err != nil || !strings.Contains(out, "AI system recording of event logs") || !strings.Contains(out, "eu-ai-act:Art. 12") {
		t.Fatalf("catalog show: %v\n%s", err, out)
	}
	oscalFile := filepath.Join(dir, "eu.json")
	if _, err := runAims(t, "", "catalog", "export", "eu-ai-act", "--format", "oscal", "-o", oscalFile, data); err != nil {
		t.Fatal(err)
	}
	if out, err = runAims(t, "", "catalog", "import", oscalFile, "--id", "eu-copy", data); err != nil || !strings.Contains(out, "imported eu-copy") {
		t.Fatalf("catalog import: %v %s", err, out)
	}
	bad := filepath.Join(dir, "bad.json")
	_ = os.WriteFile(bad, []byte(`{"catalog":{"uuid":"u","metadata":{"title":"T","version":"1","oscal-version":"1"},"controls":[{"title":"no id"}]}}`), 0o644)
	if _, err := runAims(t, "", "catalog", "import", bad, data); err == nil || !strings.Contains(err.Error(), "catalog/controls/0/id") {
		t.Errorf("bad import: err = %v, want the JSON path named", err)
	}
	if out, err = runAims(t, "", "catalog", "export", "nist-ai-rmf_iso42001", "--format", "csv", data); err != nil || strings.Count(out, "\n") != 281 {
		t.Errorf("crosswalk csv: %v, %d lines", err, strings.Count(out, "\n"))
	}
	// No SoA yet: the export says so.
	if _, err := runAims(t, "", "soa", "export", "--format", "csv", data); err == nil {
		t.Error("soa export without an SoA succeeded")
	}
}
