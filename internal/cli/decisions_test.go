package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/cli"
	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
)

// TestKillDuringIngestionLosesNothing runs `aims serve` as a child process,
// posts decision events to it from 16 gateways (single events and NDJSON
// batches), kills it with SIGKILL, and checks after a restart that every
// acknowledged event is stored with the log index it was acknowledged with
// and that its inclusion proof verifies.
func TestKillDuringIngestionLosesNothing(t *testing.T) {
	if args := os.Getenv(childArgsEnv); args != "" {
		os.Exit(cli.Main(context.Background(), "test", strings.Split(args, "\n")))
	}
	dir := t.TempDir()
	mustRun(t, "correct horse battery\n", "user", "create", "--org", "acme", "--email", "admin@acme.test", "--name", "Admin", "--role", "admin", "--data-dir", dir)
	token := strings.TrimSpace(mustRun(t, "", "token", "create", "--email", "admin@acme.test", "--name", "load", "--data-dir", dir))

	cmd := exec.Command(os.Args[0], "-test.run=^TestKillDuringIngestionLosesNothing$")
	cmd.Env = append(os.Environ(), childArgsEnv+"="+strings.Join([]string{"serve", "--data-dir", dir, "--listen", "127.0.0.1:0"}, "\n"))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	base := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var line struct{ Msg, URL string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "aims is ready" {
				base <- line.URL
			}
		}
	}()
	var url string
	select {
	case url = <-base:
	case <-time.After(30 * time.Second):
		t.Fatal("the child server did not start")
	}
	client := &http.Client{Timeout: 5 * time.Second}
	post := func(path, contentType, body string) (int, []byte, error) {
		req, _ := http.NewRequest(http.MethodPost, url+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", contentType)
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, b, err
	}
	status, body, err := post("/api/v1/systems", "application/json",
		`{"name":"Optimizer","purpose":"Load","operator_roles":["deployer"],"lifecycle_stage":"deployed","autonomy":"autonomous"}`)
	if err != nil || status != http.StatusCreated {
		t.Fatalf("create system: %d %s %v", status, body, err)
	}
	var sys struct{ ID string }
	_ = json.Unmarshal(body, &sys)
	path := "/api/v1/systems/" + sys.ID + "/decisions"
	event := func(src string, seq int) string {
		return fmt.Sprintf(`{"model_version":"1.0","source":%q,"seq":%d,"source_time":%q,"inputs":{"TT-101 torque":%d},"output":{"value":1,"unit":"%%"}}`,
			src, seq, time.Now().UTC().Format(time.RFC3339Nano), seq)
	}

	var mu sync.Mutex
	acked := map[string]uint64{} // decision id -> log index
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			src := fmt.Sprintf("gw-%d", w)
			for seq := 0; ; {
				select {
				case <-stop:
					return
				default:
				}
				if w%4 == 0 { // every fourth gateway sends batches of 20
					var lines []string
					for range 20 {
						lines = append(lines, event(src, seq))
						seq++
					}
					status, body, err := post(path, "application/x-ndjson", strings.Join(lines, "\n"))
					if err != nil {
						return // the server is gone
					}
					var res aims.DecisionBatchResult
					if status == http.StatusOK && json.Unmarshal(body, &res) == nil {
						mu.Lock()
						for _, a := range res.Acks {
							acked[a.ID] = a.LogIndex
						}
						mu.Unlock()
					}
					continue
				}
				status, body, err := post(path, "application/json", event(src, seq))
				seq++
				if err != nil {
					return
				}
				var a aims.DecisionAck
				if status == http.StatusCreated && json.Unmarshal(body, &a) == nil {
					mu.Lock()
					acked[a.ID] = a.LogIndex
					mu.Unlock()
				}
			}
		})
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 2000 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	close(stop)
	wg.Wait()
	if len(acked) < 100 {
		t.Fatalf("too little happened before the kill: %d events acknowledged", len(acked))
	}

	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{SQLitePath: filepath.Join(dir, "aims.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := service.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	org, _ := svc.ResolveOrganization(ctx, "acme")
	octx := service.OperatorContext(ctx, org, "test")
	_, total, err := svc.FindDecisions(octx, sys.ID, aims.DecisionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var size uint64
	for id, idx := range acked {
		d, err := svc.FindDecisionByID(octx, sys.ID, id)
		if err != nil {
			t.Fatalf("acknowledged decision %s is lost: %v", id, err)
		}
		if d.LogIndex != idx {
			t.Fatalf("decision %s acknowledged at leaf %d is at %d", id, idx, d.LogIndex)
		}
		size = max(size, idx+1)
	}
	// Every acknowledged event's leaf verifies in the tree that holds them.
	checked := 0
	for id, idx := range acked {
		d, _ := svc.FindDecisionByID(octx, sys.ID, id)
		entry, err := ledger.EncodeDecision(org.ID, d)
		if err != nil {
			t.Fatal(err)
		}
		p, err := svc.LogInclusionProof(octx, idx, size)
		if err != nil {
			t.Fatal(err)
		}
		if err := ledger.VerifyInclusion(idx, size, ledger.LeafHash(entry), p.Hashes, p.Root); err != nil {
			t.Fatalf("decision %s at leaf %d does not verify: %v", id, idx, err)
		}
		if checked++; checked == 300 {
			break
		}
	}
	t.Logf("%d events acknowledged before the kill, %d stored", len(acked), total)
}

// TestDecisionsIngest stores an NDJSON file with `aims decisions ingest`:
// good lines stored, bad ones reported by number with exit status 2, and
// the same file again stores nothing twice.
func TestDecisionsIngest(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "correct horse battery\n", "user", "create", "--org", "acme", "--email", "admin@acme.test", "--name", "Admin", "--role", "admin", "--data-dir", dir)
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(db, nil)
	org, _ := svc.ResolveOrganization(ctx, "acme")
	octx := service.OperatorContext(ctx, org, "test")
	members, _, _ := svc.FindMembers(octx, aims.MemberFilter{})
	sys := &aims.AISystem{Name: "Optimizer", Purpose: "Test", OwnerID: members[0].ID, OperatorRoles: []aims.OperatorRole{aims.OperatorDeployer},
		LifecycleStage: aims.StageDeployed, Autonomy: aims.AutonomyAutonomous, InScope: true}
	if err := svc.CreateSystem(octx, sys); err != nil {
		t.Fatal(err)
	}
	db.Close()
	var lines []string
	for i := range 50 {
		lines = append(lines, fmt.Sprintf(`{"model_version":"1.0","source":"historian","seq":%d,"source_time":"2026-01-05T10:%02d:00Z","inputs":{"FT-201 flow":%d},"output":{"value":%d}}`, i, i, 40+i, i))
	}
	lines[6] = `{"model_version":"1.0","source":"historian"}`
	lines[20] = `not json`
	file := filepath.Join(dir, "decisions.ndjson")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ingest := func() (string, error) {
		var out bytes.Buffer
		p := &cli.Program{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out, Version: "test"}
		err := p.Run(context.Background(), []string{"decisions", "ingest", "--system", sys.ID, file, "--data-dir", dir, "--log-level", "error"})
		return out.String(), err
	}
	out, err := ingest()
	if err == nil || !strings.Contains(out, "48 stored, 0 duplicates") {
		t.Fatalf("first ingest: %v\n%s", err, out)
	}
	if !strings.Contains(out, "line 7:") || !strings.Contains(out, "line 21:") {
		t.Errorf("bad lines not reported by number:\n%s", out)
	}
	out, _ = ingest()
	if !strings.Contains(out, "0 stored, 48 duplicates") {
		t.Errorf("second ingest:\n%s", out)
	}
}
