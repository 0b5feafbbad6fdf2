package cli_test

import (
	"strings"
	"testing"
)

// TestBenchLineage runs `aims bench lineage` on a small database built in a
// temp directory: every query answers, with a median and a p99.
func TestBenchLineage(t *testing.T) {
	isolate(t)
	t.Setenv("TMPDIR", t.TempDir()) // the cached database goes here
	r := runAIMS(t, "", "", "bench", "lineage", "--decisions", "3000", "--tags", "400", "--systems", "4", "--runs", "3")
	wantCode(t, r, 0, "bench lineage")
	for _, q := range []string{"model version graph", "decision graph", "calibration exposures", "out-of-calibration decisions", "orphans"} {
		if !strings.Contains(r.stdout, "\n"+q+" ") {
			t.Errorf("no line for %q:\n%s", q, r.stdout)
		}
	}
}
