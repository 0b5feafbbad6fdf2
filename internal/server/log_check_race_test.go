package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestLogCheckUnderConcurrentWrites runs the log check, full and of the
// recent leaves, again and again while gateways post decisions, an admin
// creates and edits systems and checkpoints are signed: a check must
// never report a record committed while it ran (the false tamper alerts
// seen under load), on SQLite and PostgreSQL.
func TestLogCheckUnderConcurrentWrites(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, opts store.Options) {
		e := newLogEnv(t, opts)
		sysID, _ := decisionSetup(t, e)
		e.checkpoint("admin")
		ctx := context.Background()

		// The writers write at least rounds rounds, and go on (up to
		// maxRounds) until minChecks checks have run beside them: a slow
		// machine (race detector, load) must not end the writes before the
		// checks have overlapped them.
		const rounds, maxRounds, minChecks = 40, 2000, 10
		var checksRun atomic.Int64
		writing := func(r int) bool { return r < rounds || (checksRun.Load() < minChecks && r < maxRounds) }
		var wg sync.WaitGroup
		done := make(chan struct{})
		wg.Add(2)
		go func() { // decisions, in batches
			defer wg.Done()
			seq := 0
			for r := 0; writing(r); r++ {
				var lines []string
				for range 25 {
					lines = append(lines, event(seq, "2.0", time.Now(), ""))
					seq++
				}
				if st, b := e.doType("gateway", http.MethodPost, "/api/v1/systems/"+sysID+"/decisions", "application/x-ndjson", strings.Join(lines, "\n")); st != http.StatusOK {
					t.Errorf("batch %d: %d %s", r, st, b)
					return
				}
			}
		}()
		go func() { // audit events and record changes
			defer wg.Done()
			for r := 0; writing(r); r++ {
				st, b := e.do("admin", http.MethodPost, "/api/v1/systems",
					fmt.Sprintf(`{"name":"System %d","purpose":"Testing","operator_roles":["deployer"],"lifecycle_stage":"development","autonomy":"advisory","impact_domains":["quality"]}`, r))
				if st != http.StatusCreated {
					t.Errorf("create system %d: %d %s", r, st, b)
					return
				}
				if st, b := e.do("admin", http.MethodPatch, "/api/v1/systems/"+sysID, fmt.Sprintf(`{"description":"edit %d"}`, r)); st != http.StatusOK {
					t.Errorf("edit system %d: %d %s", r, st, b)
					return
				}
			}
		}()
		var signer sync.WaitGroup
		signer.Add(1)
		go func() { // checkpoints, signed as the log grows
			defer signer.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				if st, _ := e.do("admin", http.MethodGet, "/log/acme/checkpoint", ""); st != http.StatusOK {
					t.Errorf("checkpoint: %d", st)
					return
				}
				time.Sleep(5 * time.Millisecond)
			}
		}()
		writersDone := make(chan struct{})
		go func() {
			wg.Wait()
			close(writersDone)
		}()

		checks, findings := 0, 0
		for stop := false; !stop; {
			select {
			case <-writersDone:
				stop = true
			default:
			}
			for _, opts := range []service.LogCheckOptions{{}, {Recent: 30}} {
				rep, err := e.svc.CheckLogs(ctx, opts)
				if err != nil {
					t.Fatal(err)
				}
				checks++
				checksRun.Add(1)
				for _, f := range rep.Findings {
					findings++
					if findings <= 5 {
						t.Errorf("check %d (recent %d) reported a record committed while it ran: %s", checks, opts.Recent, f.Detail)
					}
				}
			}
		}
		close(done)
		signer.Wait()
		if findings > 0 {
			t.Errorf("%d false findings in %d checks", findings, checks)
		}
		if checks < minChecks {
			t.Errorf("only %d checks ran while the writers wrote", checks)
		}
		t.Logf("%d checks, %d findings", checks, findings)
	})
}

// TestLogCheckNamesALeafOutsideTheCheckpoint replaces a leaf (its entry and
// hash together, so that they agree) after a checkpoint was signed: the
// leaves no longer give the checkpoint's root, and the check names the
// leaf that is not in it.
func TestLogCheckNamesALeafOutsideTheCheckpoint(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, opts store.Options) {
		e := newLogEnv(t, opts)
		for _, name := range []string{"One", "Two", "Three"} {
			e.createSystem("admin", name)
		}
		e.checkpoint("admin")
		if opts.DatabaseURL != "" {
			storetest.RawExec(t, opts, `DROP TRIGGER log_leaves_append_only ON log_leaves`)
		} else {
			storetest.RawExec(t, opts, `DROP TRIGGER log_leaves_no_update`)
		}
		log := `(SELECT log_id FROM log_heads WHERE org_id = '` + e.org.ID + `')`
		storetest.RawExec(t, opts, `UPDATE log_leaves SET
			entry = (SELECT o.entry FROM log_leaves o WHERE o.log_id = `+log+` AND o.idx = 2),
			hash = (SELECT o.hash FROM log_leaves o WHERE o.log_id = `+log+` AND o.idx = 2)
			WHERE log_id = `+log+` AND idx = 1`)
		rep, err := e.svc.CheckLogs(context.Background(), service.LogCheckOptions{OrgID: e.org.ID})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range rep.Findings {
			found = found || (f.LeafIndex != nil && *f.LeafIndex == 1 && strings.Contains(f.Detail, "leaf 1 is not in the signed checkpoint"))
		}
		if !found {
			t.Errorf("no finding names leaf 1 outside the checkpoint: %+v", rep.Findings)
		}
	})
}
