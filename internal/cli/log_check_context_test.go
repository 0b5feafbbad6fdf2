package cli_test

import (
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestLogCheckNamesEditedContextRows edits the climate issue's reason and a
// communication's records in the database, behind aims's back, and checks
// that `aims log check` names both: the context and support registers are
// sealed like every other record.
func TestLogCheckNamesEditedContextRows(t *testing.T) {
	for _, pg := range []bool{false, true} {
		name := map[bool]string{false: "sqlite", true: "postgres"}[pg]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tg := demoTarget(t, pg)
			s, err := tg.svc.ContextSummary(tg.op)
			if err != nil || !s.Climate.Determined {
				t.Fatalf("demo climate answer %+v (%v)", s, err)
			}
			comms, _, err := tg.svc.FindCommunications(tg.op, aims.CommunicationFilter{})
			if err != nil || len(comms) == 0 {
				t.Fatal(err)
			}
			// The registers export as CSV from the command line, whole.
			csvOut, err := run(t, "", append([]string{"export", "interested-parties"}, tg.flags...)...)
			if err != nil || !strings.HasPrefix(csvOut, "\ufeffname,kind,origin") || strings.Count(csvOut, "\n") != 10 {
				t.Fatalf("export interested-parties: %v\n%s", err, csvOut)
			}
			storetest.RawExec(t, tg.opts, `UPDATE context_issues SET relevance_reason = 'Never mind' WHERE id = '`+s.Climate.IssueID+`'`)
			storetest.RawExec(t, tg.opts, `UPDATE communications SET records = '[]' WHERE id = '`+comms[0].ID+`'`)
			out, err := run(t, "", append([]string{"log", "check"}, tg.flags...)...)
			if err == nil {
				t.Fatalf("log check passed after two edits:\n%s", out)
			}
			for _, want := range []string{"context_issue " + s.Climate.IssueID, "communication " + comms[0].ID} {
				if !strings.Contains(out, want) {
					t.Errorf("no finding names %s:\n%s", want, out)
				}
			}
			if n := strings.Count(out, "MISMATCH"); n != 2 {
				t.Errorf("%d findings, want 2:\n%s", n, out)
			}
		})
	}
}
