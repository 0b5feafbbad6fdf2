package cli_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// checkTarget is a demo organization in a database of its own, and the
// flags that point aims at it.
type checkTarget struct {
	opts  store.Options
	flags []string
	svc   *service.Service
	op    context.Context
	db    *store.DB
}

// demoTarget loads the demo on SQLite (in a data directory) or on
// PostgreSQL (in a schema of its own), as `aims serve` would.
func demoTarget(t *testing.T, postgres bool) *checkTarget {
	t.Helper()
	ctx := context.Background()
	var tg checkTarget
	if postgres {
		u := storetest.PostgresURL(t)
		tg.opts, tg.flags = store.Options{DatabaseURL: u}, []string{"--database-url", u, "--data-dir", t.TempDir()}
	} else {
		dir := t.TempDir()
		tg.opts, tg.flags = store.Options{SQLitePath: filepath.Join(dir, "aims.db")}, []string{"--data-dir", dir}
	}
	db, err := store.Open(ctx, tg.opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	tg.db, tg.svc = db, service.New(db, slog.New(slog.DiscardHandler))
	if _, err := demo.Ensure(ctx, tg.svc); err != nil {
		t.Fatal(err)
	}
	org, err := tg.svc.ResolveOrganization(ctx, demo.Slug)
	if err != nil {
		t.Fatal(err)
	}
	tg.op = service.OperatorContext(ctx, org, "test")
	return &tg
}

// TestLogCheckNamesEditedRows edits an AI system row, a risk row and an
// SoA row directly in the database, as someone with access to the file
// or the server could, and checks that `aims log check` names each
// record, the field and both values, on SQLite and PostgreSQL; and that
// the check wrote nothing (no alert, no audit event).
func TestLogCheckNamesEditedRows(t *testing.T) {
	for _, pg := range []bool{false, true} {
		name := map[bool]string{false: "sqlite", true: "postgres"}[pg]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tg := demoTarget(t, pg)
			if out, err := run(t, "", append([]string{"log", "check"}, tg.flags...)...); err != nil || !strings.Contains(out, "current records match") {
				t.Fatalf("untouched demo: %v\n%s", err, out)
			}
			systems, _, err := tg.svc.FindSystems(tg.op, aims.SystemFilter{})
			if err != nil || len(systems) == 0 {
				t.Fatal(err)
			}
			sys := systems[0]
			autonomy := aims.AutonomyAutonomous
			if sys.Autonomy == autonomy {
				autonomy = aims.AutonomyAdvisory
			}
			risks, _, err := tg.svc.FindRisks(tg.op, aims.RiskFilter{})
			if err != nil || len(risks) == 0 {
				t.Fatal(err)
			}
			risk := risks[0]
			soa, err := tg.svc.FindSoAVersion(tg.op, 0, aims.SoAFilter{})
			if err != nil || len(soa.Rows) == 0 {
				t.Fatal(err)
			}
			row := soa.Rows[0]
			_, events, _ := tg.svc.FindAuditEvents(tg.op, aims.AuditFilter{})

			storetest.RawExec(t, tg.opts, `UPDATE ai_systems SET autonomy = '`+string(autonomy)+`' WHERE id = '`+sys.ID+`'`)
			storetest.RawExec(t, tg.opts, `UPDATE risks SET treatment_plan = 'Nothing to do' WHERE id = '`+risk.ID+`'`)
			storetest.RawExec(t, tg.opts, `UPDATE soa_rows SET justification = 'Not needed here' WHERE id = '`+row.ID+`'`)

			out, err := run(t, "", append([]string{"log", "check"}, tg.flags...)...)
			if err == nil {
				t.Fatalf("log check passed after three edits:\n%s", out)
			}
			for _, want := range [][]string{
				{"ai_system " + sys.ID, "autonomy is " + `"` + string(autonomy) + `"`, `"` + string(sys.Autonomy) + `" in its last sealed state`},
				{"risk " + risk.ID, `treatment_plan is "Nothing to do"`},
				{"soa_row " + row.ID, `justification is "Not needed here"`},
			} {
				found := false
				for _, line := range strings.Split(out, "\n") {
					ok := true
					for _, w := range want {
						ok = ok && strings.Contains(line, w)
					}
					found = found || ok
				}
				if !found {
					t.Errorf("no line names %q:\n%s", want, out)
				}
			}
			t.Log(out)
			if n := strings.Count(out, "MISMATCH"); n != 3 {
				t.Errorf("%d findings, want 3:\n%s", n, out)
			}
			// Nothing was written: no alert, no audit event.
			alerts, _, _ := tg.svc.FindLogAlerts(tg.op, false, aims.Page{})
			_, after, _ := tg.svc.FindAuditEvents(tg.op, aims.AuditFilter{})
			if len(alerts) != 0 || after != events || events == 0 {
				t.Errorf("the check wrote: %d alerts, %d audit events before, %d after", len(alerts), events, after)
			}
		})
	}
}

// TestLogCheckAfterDeletedLeaves deletes leaves from the log's storage, in
// the middle and at the end, and checks that `aims log check` says which
// leaves are missing and that they were deleted, rather than calling the
// records they sealed inserted around aims.
func TestLogCheckAfterDeletedLeaves(t *testing.T) {
	for _, pg := range []bool{false, true} {
		name := map[bool]string{false: "sqlite", true: "postgres"}[pg]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tg := demoTarget(t, pg)
			sk, err := ledger.GenerateMasterKey("check.test")
			if err != nil {
				t.Fatal(err)
			}
			mk, _ := ledger.ParseMasterKey(sk)
			tg.svc.SetLogKey(mk)
			if err := tg.svc.SignGrownLogs(context.Background()); err != nil {
				t.Fatal(err)
			}
			flags := append([]string{"log", "check", "--log-key", sk}, tg.flags...)
			if out, err := run(t, "", flags...); err != nil {
				t.Fatalf("untouched demo: %v\n%s", err, out)
			}
			heads, _ := store.ListLogHeads(context.Background(), tg.db)
			var size uint64
			for _, h := range heads {
				size = max(size, h.Size)
			}
			if pg {
				storetest.RawExec(t, tg.opts, `DROP TRIGGER log_leaves_append_only ON log_leaves`)
			} else {
				storetest.RawExec(t, tg.opts, `DROP TRIGGER log_leaves_no_delete`)
			}
			storetest.RawExec(t, tg.opts, `DELETE FROM log_leaves WHERE (idx >= 100 AND idx < 110) OR idx >= `+fmt.Sprint(size-3))

			out, err := run(t, "", flags...)
			if err == nil {
				t.Fatalf("log check passed with deleted leaves:\n%s", out)
			}
			for _, want := range []string{
				"leaves 100 to 109 (10 leaves) are missing from the log's stored leaves",
				fmt.Sprintf("leaves %d to %d (3 leaves) are missing", size-3, size-1),
				"they were deleted in the database",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("the output does not say %q:\n%s", want, out)
				}
			}
			if strings.Contains(out, "inserted") {
				t.Errorf("the output calls records inserted when their leaves were deleted:\n%s", out)
			}
			// `aims log check` reports; it raises no alert (the checker in
			// `aims serve` does, after its check).
			if alerts, n, _ := tg.svc.FindLogAlerts(tg.op, false, aims.Page{}); n != 0 {
				t.Errorf("the check wrote %d alerts: %+v", n, alerts)
			}
		})
	}
}
