package api_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/aimsproject/aims/internal/api"
	"github.com/aimsproject/aims/internal/store/storetest"
)

var update = flag.Bool("update", false, "rewrite testdata/openapi.golden.json from the code")

const goldenPath = "testdata/openapi.golden.json"

// openAPIDocument is the API's OpenAPI document, indented.
func openAPIDocument(t *testing.T) []byte {
	t.Helper()
	a := api.Register(chi.NewRouter(), nil, "test")
	b, err := json.MarshalIndent(a.OpenAPI(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// TestOpenAPIGolden fails when the OpenAPI document changes without the
// golden file changing with it, so that every change of the API's contract
// is seen in review. After a deliberate change, run
//
//	go test ./internal/api -run TestOpenAPIGolden -update
func TestOpenAPIGolden(t *testing.T) {
	got := openAPIDocument(t)
	if *update {
		if err := os.MkdirAll(filepath.Dir(goldenPath), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenPath, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", goldenPath)
		return
	}
	want, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatalf("%v: create it with 'go test ./internal/api -run TestOpenAPIGolden -update'", err)
	}
	if !bytes.Equal(got, want) {
		diff := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(string(got), "\n"))
		t.Errorf("the OpenAPI document changed (-golden +code):\n%s\nIf the change is meant, run 'go test ./internal/api -run TestOpenAPIGolden -update' and commit %s.",
			diff, goldenPath)
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
	}
	if err := json.Unmarshal(got, &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi version %q (err %v), want 3.1", doc.OpenAPI, err)
	}
}

// TestOpenAPIServed checks that the server publishes the same document at
// /api/openapi.json, without authentication.
func TestOpenAPIServed(t *testing.T) {
	e := newAPIEnv(t, storetest.OpenSQLite(t))
	res := e.do(t, request{method: http.MethodGet, url: "/api/openapi.json"})
	if res.Code != http.StatusOK {
		t.Fatalf("status %d; body: %s", res.Code, res.Body)
	}
	var served, built any
	decode(t, res, &served)
	if err := json.Unmarshal(openAPIDocument(t), &built); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(built, served); diff != "" {
		t.Errorf("served document differs from the code's (-code +served):\n%s", diff)
	}
}
