package cli_test

import (
	"strings"
	"testing"
)

// TestBenchAuthorization runs `aims bench authorization` small: every
// answer is checked as it comes (yes for the approved versions, no with
// the validation gate's reason for the blocked candidate, no or 401 after
// each change), and the run reports the end-to-end figures, the server's
// own time per answer and the /healthz baseline beside them.
func TestBenchAuthorization(t *testing.T) {
	isolate(t)
	r := runAIMS(t, "", "", "bench", "authorization", "--rate", "200", "--duration", "2s", "--runs", "1", "--systems", "3",
		"--versions", "2", "--changes", "2", "--baseline", "--dir", t.TempDir())
	wantCode(t, r, 0, "bench authorization")
	for _, want := range []string{"over 3 gateways × 2 model versions and 1 blocked at its validation gate: median p50",
		"the server's own time per answer: median p50", "baseline GET /healthz at 200 requests/s, same client: median p50",
		"answer right after a suspension (1)", "after a revoked token (1)", "0 stale answers"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("bench authorization output lacks %q:\n%s", want, r.stdout)
		}
	}
}
