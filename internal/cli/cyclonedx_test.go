package cli_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/cyclonedx"
)

// TestCycloneDXAndMLflowCommands: aims cyclonedx import registers a model
// version from a vendor's BOM, aims cyclonedx export writes one that
// validates against the official schema, and aims mlflow sync registers
// a mapped registry model's version as a candidate.
func TestCycloneDXAndMLflowCommands(t *testing.T) {
	dir := t.TempDir()
	data := "--data-dir=" + filepath.Join(dir, "data")
	if _, err := runAims(t, "correct horse battery\n", "user", "create", "--org", "acme", "--email", "a@acme.test", "--name", "A", "--role", "admin", data); err != nil {
		t.Fatal(err)
	}
	csv := filepath.Join(dir, "systems.csv")
	must(t, os.WriteFile(csv, []byte("name,purpose,owner_email,lifecycle_stage,autonomy,operator_roles\nOptimizer,Setpoints,a@acme.test,idea,advisory,deployer\n"), 0o600))
	if _, err := runAims(t, "", "import", "systems", csv, data); err != nil {
		t.Fatal(err)
	}
	bom := filepath.Join(dir, "vendor.cdx.json")
	must(t, os.WriteFile(bom, []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
		"metadata":{"component":{"type":"machine-learning-model","name":"Vendor model","version":"2.4.0-rc1",
		"hashes":[{"alg":"SHA-256","content":"`+strings.Repeat("d", 64)+`"}]}}}`), 0o600))
	out, err := runAims(t, "", "cyclonedx", "import", bom, "--system", "optimizer", data)
	if err != nil || !strings.Contains(out, "2.4.0-rc1 of Optimizer registered as a candidate") {
		t.Fatalf("cyclonedx import: %v\n%s", err, out)
	}
	out, err = runAims(t, "", "cyclonedx", "export", "--system", "Optimizer", "--version", "2.4.0-rc1", data)
	if err != nil {
		t.Fatalf("cyclonedx export: %v", err)
	}
	if err := cyclonedx.Validate([]byte(out)); err != nil {
		t.Fatalf("the export does not validate: %v\n%s", err, out)
	}
	bad := filepath.Join(dir, "bad.cdx.json")
	must(t, os.WriteFile(bad, []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"robot","name":"x"}]}`), 0o600))
	if _, err := runAims(t, "", "cyclonedx", "import", bad, "--system", "Optimizer", data); err == nil || !strings.Contains(err.Error(), "components/0/type") {
		t.Errorf("invalid BOM: %v, want the pointer named", err)
	}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var out any
		switch r.URL.Path {
		case "/api/2.0/mlflow/registered-models/search":
			out = map[string]any{"registered_models": []map[string]any{{"name": "opt"}}}
		case "/api/2.0/mlflow/model-versions/search":
			out = map[string]any{"model_versions": []map[string]any{{"name": "opt", "version": "5", "source": "runs:/r5/model", "run_id": "r5",
				"tags": []map[string]string{{"key": "sha256", "value": strings.Repeat("e", 64)}}}}}
		case "/api/2.0/mlflow/runs/get":
			out = map[string]any{"run": map[string]any{"data": map[string]any{"metrics": []map[string]any{{"key": "mae", "value": 0.3}}}}}
		}
		_ = json.NewEncoder(w).Encode(out)
	}))
	defer srv.Close()
	out, err = runAims(t, "", "mlflow", "sync", "--url", srv.URL, "--map", "opt=Optimizer", data)
	if err != nil || !strings.Contains(out, "1 created") {
		t.Fatalf("mlflow sync: %v\n%s", err, out)
	}
}
