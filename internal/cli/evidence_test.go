package cli_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/blob"
	"github.com/aimsproject/aims/internal/cli"
)

// TestEvidencePushAndVerify: a pipeline's token (scope evidence:write)
// pushes a file to a running aims; pushed again it is the same revision;
// the file lands in the data directory's blob folder under its digest;
// aims evidence verify finds it good, then reports it once changed.
func TestEvidencePushAndVerify(t *testing.T) {
	dir := isolate(t)
	wantCode(t, runAIMS(t, dir, "a long password\n", "user", "create", "--org", "acme", "--email", "ci@acme.test", "--name", "CI", "--role", "contributor"), 0, "user")
	r := runAIMS(t, dir, "", "token", "create", "--email", "ci@acme.test", "--name", "pipeline", "--scope", "evidence:write")
	wantCode(t, r, 0, "token")
	s := serve(t, "--data-dir", dir)
	t.Setenv("AIMS_TOKEN", strings.TrimSpace(r.stdout))
	file := filepath.Join(t.TempDir(), "vr-12.pdf")
	data := []byte("%PDF validation report VR-12")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	push := func() map[string]any {
		r := runAIMS(t, "", "", "evidence", "push", file, "--server", s.url, "--requirement", "iso42001:A.6.2.4",
			"--kind", "validation-report", "--expires", "90d")
		wantCode(t, r, 0, "evidence push")
		var out map[string]any
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
			t.Fatalf("push printed %q", r.stdout)
		}
		return out
	}
	first, second := push(), push()
	rev := first["revision"].(map[string]any)
	sum := sha256.Sum256(data)
	digest := hex.EncodeToString(sum[:])
	if first["created"] != true || second["created"] != false || rev["digest"] != digest || rev["file_name"] != "vr-12.pdf" ||
		rev["id"] != second["revision"].(map[string]any)["id"] || rev["log_index"] == nil {
		t.Fatalf("first push %v, second %v", first, second)
	}
	exp, _ := time.Parse(time.RFC3339, rev["expires_at"].(string))
	if d := time.Until(exp); d < 89*24*time.Hour || d > 91*24*time.Hour {
		t.Fatalf("expires_at %v is not 90 days away", exp)
	}
	wantCode(t, runAIMS(t, "", "", "evidence", "push", "--url", "ftp://x/y", "--kind", "k", "--server", s.url), 1, "a non-http link")
	s.shutdown(t)

	stored := filepath.Join(dir, "blobs", filepath.FromSlash(blob.Key(digest)))
	if b, err := os.ReadFile(stored); err != nil || string(b) != string(data) {
		t.Fatalf("blob %s: %q %v", stored, b, err)
	}
	r = runAIMS(t, dir, "", "evidence", "verify")
	wantCode(t, r, 0, "verify")
	if !strings.Contains(r.stdout, "1 files checked in acme, 0 do not match") {
		t.Fatalf("verify: %s", r.stdout)
	}
	if err := os.WriteFile(stored, []byte("%PDF validation report VR-13"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = runAIMS(t, dir, "", "evidence", "verify")
	wantCode(t, r, 1, "verify a changed file")
	if !strings.Contains(r.stdout, "MISMATCH sha256:"+digest) {
		t.Fatalf("verify: %s", r.stdout)
	}
}

func TestParseExpiry(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"90d":        now.AddDate(0, 0, 90),
		"36h":        now.Add(36 * time.Hour),
		"2027-03-01": time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC),
	} {
		if got, err := cli.ParseExpiry(in, now); err != nil || !got.Equal(want) {
			t.Errorf("ParseExpiry(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "soon", "-3d", "0d"} {
		if _, err := cli.ParseExpiry(bad, now); err == nil {
			t.Errorf("ParseExpiry(%q) accepted", bad)
		}
	}
}
