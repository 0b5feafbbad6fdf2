package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
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

		const rounds = 40
		var wg sync.WaitGroup
		done := make(chan struct{})
		wg.Add(2)
		go func() { // decisions, in batches
			defer wg.Done()
			seq := 0
			for r := range rounds {
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
			for r := range rounds {
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
		if checks < 10 {
			t.Errorf("only %d checks ran while the writers wrote", checks)
		}
		t.Logf("%d checks, %d findings", checks, findings)
	})
}
