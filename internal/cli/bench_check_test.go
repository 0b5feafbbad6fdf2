package cli_test

import (
	"strings"
	"testing"
)

// TestBenchCheck runs `aims bench check` on a small log: the demo's records
// and decisions check clean, and the run reports its wall and CPU time.
func TestBenchCheck(t *testing.T) {
	isolate(t)
	r := runAIMS(t, "", "", "bench", "check", "--entries", "6000", "--runs", "1", "--dir", t.TempDir())
	wantCode(t, r, 0, "bench check")
	if !strings.Contains(r.stdout, "log check, SQLite:  median") || !strings.Contains(r.stdout, "6000 leaves") {
		t.Errorf("bench check output:\n%s", r.stdout)
	}
}
