package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/server"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestSuspensionReachesEveryReplica runs two replicas on one PostgreSQL
// schema, each answering authorization from its own cache (and watching
// the database as aims serve does). A suspension made through one flips
// the other's answer within one second, and so does the resumption.
func TestSuspensionReachesEveryReplica(t *testing.T) {
	t.Parallel()
	opts := store.Options{DatabaseURL: storetest.PostgresURL(t)}
	a := newLogEnv(t, opts)
	sysID, _ := decisionSetup(t, a)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	bsvc := service.New(db, quiet)
	bsrv := httptest.NewServer(server.New(server.Config{Version: "test"}, bsvc, quiet).Handler())
	t.Cleanup(bsrv.Close)
	go a.svc.RunAuthzWatcher(ctx)
	go bsvc.RunAuthzWatcher(ctx)

	ask := func(base string) bool {
		req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/systems/"+sysID+"/authorization?model_version=2.0", nil)
		req.Header.Set("Authorization", "Bearer "+a.tokens["gateway"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var got aims.Authorization
		if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&got) != nil {
			t.Fatalf("authorization from %s: %d", base, resp.StatusCode)
		}
		return got.Authorized
	}
	for _, base := range []string{a.srv.URL, bsrv.URL} {
		for range 3 { // answers now come from each replica's cache
			if !ask(base) {
				t.Fatalf("%s: not authorized before the suspension", base)
			}
		}
	}
	flipsWithin := func(want bool, what string) {
		t.Helper()
		start := time.Now()
		for ask(bsrv.URL) != want {
			if time.Since(start) > time.Second {
				t.Fatalf("the other replica still answers authorized=%v one second after the %s", !want, what)
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Logf("the other replica answered authorized=%v %s after the %s", want, time.Since(start).Round(time.Millisecond), what)
	}
	if st, b := a.do("admin", http.MethodPost, "/api/v1/systems/"+sysID+"/suspend", `{"reason":"probe out of calibration"}`); st != http.StatusCreated {
		t.Fatalf("suspend: %d %s", st, b)
	}
	if ask(a.srv.URL) {
		t.Fatal("the replica that suspended still says authorized")
	}
	flipsWithin(false, "suspension")
	if st, b := a.do("admin", http.MethodPost, "/api/v1/systems/"+sysID+"/resume", `{}`); st != http.StatusOK {
		t.Fatalf("resume: %d %s", st, b)
	}
	flipsWithin(true, "resumption")
}
