package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// TestPayloadDigestShellRecipe checks a decision's salted payload digest
// the way docs/decisions.md tells a holder to, with the real sha256sum, for
// an event that a gateway sent pretty-printed with its keys in its own
// order: the payload download is the bytes the digest is over, whatever
// their spelling.
func TestPayloadDigestShellRecipe(t *testing.T) {
	for _, tool := range []string{"sh", "cat", "sha256sum", "jq", "base64"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: %v", tool, err)
		}
	}
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		s := o.mustSystem(t, e.db, o.Admin.ID)
		admin := o.tokens[aims.RoleAdmin]
		event := fmt.Sprintf(`
{
    "source_time": %q,
    "output": { "unit": "%%",   "value": 43.10 },
    "seq": %d,
    "inputs": {
        "FT-201 flow": 12.5,
        "TT-101 torque": 41.2
    },
    "source": "gw-pretty",
    "model_version": "1.0"
}
`, time.Now().UTC().Format(time.RFC3339Nano), decisionSeq.Add(1))
		res := e.do(t, request{method: http.MethodPost, url: "/api/v1/systems/" + s.ID + "/decisions", token: admin, body: event})
		if res.Code != http.StatusCreated {
			t.Fatalf("post: status %d; body: %s", res.Code, res.Body)
		}
		var ack aims.DecisionAck
		decode(t, res, &ack)

		url := "/api/v1/systems/" + s.ID + "/decisions/" + ack.ID
		res = e.do(t, request{method: http.MethodGet, url: url, token: admin})
		if res.Code != http.StatusOK {
			t.Fatalf("get: status %d; body: %s", res.Code, res.Body)
		}
		decisionJSON := res.Body.Bytes()
		var d struct {
			PayloadDigest string `json:"payload_digest"`
		}
		if err := json.Unmarshal(decisionJSON, &d); err != nil {
			t.Fatal(err)
		}
		res = e.do(t, request{method: http.MethodGet, url: url + "/payload", token: admin})
		if res.Code != http.StatusOK {
			t.Fatalf("payload: status %d; body: %s", res.Code, res.Body)
		}
		if ct := res.Header().Get("Content-Type"); ct != "application/json" {
			t.Errorf("payload Content-Type %q, want application/json", ct)
		}
		if got, want := res.Body.String(), strings.TrimSpace(event); got != want {
			t.Errorf("payload is not the event as sent:\n got %q\nwant %q", got, want)
		}

		dir := t.TempDir()
		for name, b := range map[string][]byte{"decision.json": decisionJSON, "payload": res.Body.Bytes()} {
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		// The last three lines of the recipe, as documented.
		cmd := exec.Command("sh", "-c", "jq -r .salt decision.json | base64 -d > salt && cat salt payload | sha256sum")
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("sha256sum: %v", err)
		}
		sum, _, _ := strings.Cut(string(out), " ")
		if want := strings.TrimPrefix(d.PayloadDigest, "sha256:"); sum != want || want == d.PayloadDigest {
			t.Errorf("cat salt payload | sha256sum = %s, want the decision's payload_digest %s", sum, d.PayloadDigest)
		}

		// Once erased, the payload is gone from its download too.
		res = e.do(t, request{method: http.MethodPost, url: url + "/erase", token: admin, body: map[string]any{"reason": "data subject's request"}})
		if res.Code != http.StatusOK {
			t.Fatalf("erase: status %d; body: %s", res.Code, res.Body)
		}
		if res = e.do(t, request{method: http.MethodGet, url: url + "/payload", token: admin}); res.Code != http.StatusNotFound ||
			!strings.Contains(res.Body.String(), "erased") {
			t.Errorf("payload after erasure: status %d, want 404 saying it was erased; body: %s", res.Code, res.Body)
		}
	})
}
