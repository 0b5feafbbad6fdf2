package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/server"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestReplicasShareOneLog runs two servers (two replicas with their own
// pools and signers, sharing AIMS_LOG_KEY) on one PostgreSQL schema,
// writes to both concurrently, and checks that they produced one log: every
// event sealed once, every checkpoint either signed consistent with the
// final tree.
func TestReplicasShareOneLog(t *testing.T) {
	t.Parallel()
	opts := store.Options{DatabaseURL: storetest.PostgresURL(t)}
	a := newLogEnv(t, opts)
	b := &logEnv{t: t, opts: opts, tokens: a.tokens, vkey: a.vkey, org: a.org}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	{
		db, err := store.Open(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
		b.db, b.svc = db, service.New(db, quiet)
		mk, _ := ledger.ParseMasterKey(testMasterKey)
		b.svc.SetLogKey(mk)
		b.srv = httptest.NewServer(server.New(server.Config{Version: "test"}, b.svc, quiet).Handler())
		t.Cleanup(b.srv.Close)
		b.octx = service.OperatorContext(context.Background(), a.org, "test")
	}
	go a.svc.RunLogSigner(ctx)
	go b.svc.RunLogSigner(ctx)

	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for w, e := range []*logEnv{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 60 {
				time.Sleep(30 * time.Millisecond) // spread the writes over a few rounds of the signers
				req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/api/v1/systems", strings.NewReader(fmt.Sprintf(
					`{"name":"S %d-%d","purpose":"Load","operator_roles":["deployer"],"lifecycle_stage":"development","autonomy":"advisory"}`, w, i)))
				req.Header.Set("Authorization", "Bearer "+e.tokens["admin"])
				req.Header.Set("Content-Type", "application/json")
				resp, err := e.srv.Client().Do(req)
				if err != nil || resp.StatusCode != http.StatusCreated {
					t.Errorf("create on replica: %v %v", err, resp)
					return
				}
				resp.Body.Close()
				for _, r := range []*logEnv{a, b} {
					req, _ := http.NewRequest(http.MethodGet, r.srv.URL+"/log/acme/checkpoint", nil)
					req.Header.Set("Authorization", "Bearer "+e.tokens["log-reader"])
					if resp, err := r.srv.Client().Do(req); err == nil {
						body, _ := io.ReadAll(resp.Body)
						resp.Body.Close()
						mu.Lock()
						seen[string(body)] = true
						mu.Unlock()
					}
				}
			}
		}()
	}
	wg.Wait()
	time.Sleep(1500 * time.Millisecond) // a last round of the signers
	cancel()

	head, err := store.FindLogHead(context.Background(), a.db, systemScopeFor(t, a))
	if err != nil {
		t.Fatal(err)
	}
	_, total, _ := a.svc.FindAuditEvents(a.octx, aims.AuditFilter{})
	if head.Size != uint64(total) {
		t.Fatalf("log has %d leaves for %d audit events", head.Size, total)
	}
	if rep, err := b.svc.CheckLogs(context.Background(), service.LogCheckOptions{}); err != nil || len(rep.Findings) > 0 {
		t.Fatalf("check: %v %+v", err, rep)
	}
	v, _ := ledger.ParseVerifierKey(a.vkey)
	final, err := ledger.OpenCheckpoint([]byte(mustCheckpoint(t, a)), v)
	if err != nil || final.Size != head.Size {
		t.Fatalf("final checkpoint %v (size %d, head %d)", err, final.Size, head.Size)
	}
	for note := range seen {
		cp, err := ledger.OpenCheckpoint([]byte(note), v)
		if err != nil {
			t.Fatalf("a replica served a checkpoint that does not verify: %v", err)
		}
		if cp.Size == final.Size {
			continue
		}
		p, err := a.svc.LogConsistencyProof(a.octx, cp.Size, final.Size)
		if err != nil {
			t.Fatal(err)
		}
		if err := ledger.CheckExtends(cp, final, p.Hashes); err != nil {
			t.Fatalf("checkpoint of size %d: %v", cp.Size, err)
		}
	}
	if len(seen) < 3 {
		t.Errorf("only %d distinct checkpoints were served while the log grew", len(seen))
	}
	t.Logf("%d leaves, %d distinct checkpoints served by the two replicas", head.Size, len(seen))
}

func mustCheckpoint(t *testing.T, e *logEnv) string {
	t.Helper()
	status, body := e.do("log-reader", http.MethodGet, "/log/acme/checkpoint", "")
	if status != http.StatusOK {
		t.Fatalf("checkpoint: %d %s", status, body)
	}
	return string(body)
}

// systemScopeFor is the tenant scope of e's organization, through authz.
func systemScopeFor(t *testing.T, e *logEnv) aims.Scope {
	t.Helper()
	scope, _, err := authz.Authorize(e.octx, authz.Read, "test")
	if err != nil {
		t.Fatal(err)
	}
	return scope
}
