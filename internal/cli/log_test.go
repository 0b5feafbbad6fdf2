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
	"slices"
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
	"github.com/aimsproject/aims/internal/store/storetest"
)

// run runs the aims command in-process and returns its stdout.
func run(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	p := &cli.Program{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Version: "test"}
	if slices.Contains(args, "--data-dir") {
		args = append(args, "--log-level", "error")
	}
	err := p.Run(context.Background(), args)
	return out.String(), err
}

func mustRun(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	out, err := run(t, stdin, args...)
	if err != nil {
		t.Fatalf("aims %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// demoLike makes an organization in dir with a small portfolio like the
// demo's: suppliers, systems, model versions, datasets, changes, a delete.
func demoLike(t *testing.T, dir string) {
	t.Helper()
	mustRun(t, "correct horse battery\n", "user", "create", "--org", "demo", "--email", "admin@demo.test", "--name", "Admin", "--role", "admin", "--data-dir", dir)
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := service.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	org, err := svc.ResolveOrganization(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	octx := service.OperatorContext(ctx, org, "test")
	sup := &aims.Supplier{Name: "Vendor GmbH", Supplies: []aims.SupplyCategory{aims.SupplyModel}}
	if err := svc.CreateSupplier(octx, sup); err != nil {
		t.Fatal(err)
	}
	members, _, _ := svc.FindMembers(octx, aims.MemberFilter{})
	for i, name := range []string{"Setpoint optimizer", "Credit scoring", "CV screening assistant", "Customer chatbot", "Predictive maintenance"} {
		s := storetest.System(name, members[0].ID)
		s.LifecycleStage = aims.StageDeployed // registered as running: flagged, its gate not passed in aims
		if i == 0 {
			s.SupplierID = sup.ID
		}
		if err := svc.CreateSystem(octx, s); err != nil {
			t.Fatal(err)
		}
		mv := &aims.ModelVersion{SystemID: s.ID, Version: "1.0", Digest: strings.Repeat(fmt.Sprint(i), 64), Status: aims.ModelCandidate}
		if err := svc.CreateModelVersion(octx, mv); err != nil {
			t.Fatal(err)
		}
	}
	ds := &aims.Dataset{Name: "Moisture probe history", PersonalData: aims.PersonalDataNo}
	if err := svc.CreateDataset(octx, ds); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteDataset(octx, ds.ID); err != nil {
		t.Fatal(err)
	}
}

// TestExportThenVerify exports a demo-like organization's log and verifies
// it offline; a bundle with one byte changed fails, naming what changed.
func TestExportThenVerify(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	demoLike(t, dir)
	key := strings.TrimSpace(mustRun(t, "", "log", "key", "--org", "demo", "--data-dir", dir))
	// Without a base URL the origin is the key's name and id: two
	// deployments on hosts of one name do not share it.
	master, _, err := ledger.LoadOrCreateKeyFile(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(key, ledger.KeyName(hostname())+"/"+master.ID()+"/log/demo+") {
		t.Fatalf("verifier key %q is not named by the log's origin", key)
	}
	bundle := filepath.Join(t.TempDir(), "bundle")
	out := mustRun(t, "", "log", "export", bundle, "--org", "demo", "--data-dir", dir)
	if !strings.Contains(out, "aims log verify "+bundle+" --key '"+key+"' --full") {
		t.Errorf("export does not say how to verify:\n%s", out)
	}
	out = mustRun(t, "", "log", "verify", bundle, "--key", key, "--full")
	if !strings.HasPrefix(out, "OK: ") {
		t.Fatalf("verify: %s", out)
	}
	// A key of another log verifies nothing.
	otherSK, _ := ledger.GenerateMasterKey("elsewhere")
	mk, _ := ledger.ParseMasterKey(otherSK)
	other, _ := mk.ForOrigin(strings.SplitN(key, "+", 2)[0])
	if _, err := run(t, "", "log", "verify", bundle, "--key", other.VerifierKey); err == nil {
		t.Error("a bundle verified with another key")
	}

	files := map[string]string{"entry bundle": "", "hash tile": "", "checkpoint": "checkpoint"}
	filepath.WalkDir(bundle, func(p string, d os.DirEntry, err error) error {
		rel, _ := filepath.Rel(bundle, p)
		switch {
		case strings.HasPrefix(rel, "tile/entries/"):
			files["entry bundle"] = rel
		case strings.HasPrefix(rel, "tile/0/"):
			files["hash tile"] = rel
		}
		return nil
	})
	for what, rel := range files {
		path := filepath.Join(bundle, rel)
		orig, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		changed := bytes.Clone(orig)
		changed[len(changed)/2] ^= 0x20
		os.WriteFile(path, changed, 0o644)
		_, err = run(t, "", "log", "verify", bundle, "--key", key, "--full")
		if err == nil || !strings.Contains(err.Error(), rel) {
			t.Errorf("one byte changed in the %s %s: err = %v, want it named", what, rel, err)
		}
		os.WriteFile(path, orig, 0o644)
	}
	if _, err := run(t, "", "log", "verify", bundle, "--key", key, "--full"); err != nil {
		t.Fatalf("restored bundle: %v", err)
	}
}

// TestVerifyProofAndCheck downloads one record's proof (through the
// service, as the API does), verifies it offline, then changes the record
// in the database and has `aims log check` name it.
func TestVerifyProofAndCheck(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	demoLike(t, dir)
	key := strings.TrimSpace(mustRun(t, "", "log", "key", "--org", "demo", "--data-dir", dir))
	mustRun(t, "", "log", "export", filepath.Join(t.TempDir(), "b"), "--data-dir", dir) // signs a checkpoint

	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	org, _ := svc.ResolveOrganization(ctx, "demo")
	octx := service.OperatorContext(ctx, org, "test")
	// A system's registration (demoLike registers them; it edits none).
	evs, _, _ := svc.FindAuditEvents(octx, aims.AuditFilter{EntityType: aims.EntityAISystem, Action: aims.ActionCreate, Page: aims.Page{Limit: 1}})
	if len(evs) == 0 {
		t.Fatal("no system registration in the audit trail")
	}
	file, err := svc.AuditEventProof(octx, evs[0].ID)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	proofPath := filepath.Join(t.TempDir(), "event.tlog-proof")
	os.WriteFile(proofPath, file, 0o644)
	out := mustRun(t, "", "log", "verify-proof", proofPath, "--key", key)
	if !strings.Contains(out, evs[0].ID) {
		t.Errorf("verify-proof does not show the entry it proved:\n%s", out)
	}
	entryPath := filepath.Join(t.TempDir(), "entry.json")
	os.WriteFile(entryPath, []byte(`{"forged":true}`), 0o644)
	if _, err := run(t, "", "log", "verify-proof", proofPath, "--key", key, "--entry", entryPath); err == nil {
		t.Error("a proof verified for another entry")
	}

	mustRun(t, "", "log", "check", "--data-dir", dir)
	opts := store.Options{SQLitePath: filepath.Join(dir, "aims.db")}
	storetest.RawExec(t, opts, `DROP TRIGGER audit_events_no_update`)
	storetest.RawExec(t, opts, `UPDATE audit_events SET actor_label = 'someone-else@demo.test' WHERE id = '`+evs[0].ID+`'`)
	out, err = run(t, "", "log", "check", "--data-dir", dir)
	if err == nil || !strings.Contains(out, evs[0].ID) || !strings.Contains(out, "changed in the database") {
		t.Fatalf("log check after an edit: err %v, output:\n%s", err, out)
	}
}

func hostname() string {
	h, _ := os.Hostname()
	return h
}

// childArgsEnv carries the arguments of a child `aims` process that the
// kill test starts from this test binary.
const childArgsEnv = "AIMS_TEST_CHILD_ARGS"

// TestKillDuringWritesLosesNothing runs `aims serve` as a child process,
// writes to it from several clients while collecting the checkpoints it
// signs, kills it with SIGKILL, and checks that every acknowledged write is
// stored and sealed and that the log is consistent with every checkpoint
// signed before the kill.
func TestKillDuringWritesLosesNothing(t *testing.T) {
	if args := os.Getenv(childArgsEnv); args != "" {
		os.Exit(cli.Main(context.Background(), "test", strings.Split(args, "\n")))
	}
	dir := t.TempDir()
	mustRun(t, "correct horse battery\n", "user", "create", "--org", "acme", "--email", "admin@acme.test", "--name", "Admin", "--role", "admin", "--data-dir", dir)
	token := strings.TrimSpace(mustRun(t, "", "token", "create", "--email", "admin@acme.test", "--name", "load", "--data-dir", dir))

	cmd := exec.Command(os.Args[0], "-test.run=^TestKillDuringWritesLosesNothing$")
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
	call := func(method, path, body string) (int, []byte, error) {
		req, _ := http.NewRequest(method, url+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, b, err
	}
	var mu sync.Mutex
	var acked []string
	checkpoints := map[string]bool{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				status, body, err := call(http.MethodPost, "/api/v1/systems", fmt.Sprintf(
					`{"name":"System %d-%d","purpose":"Load","operator_roles":["deployer"],"lifecycle_stage":"development","autonomy":"advisory"}`, w, i))
				if err != nil {
					return // the server is gone
				}
				if status == http.StatusCreated {
					var s struct{ ID string }
					_ = json.Unmarshal(body, &s)
					mu.Lock()
					acked = append(acked, s.ID)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			if status, body, err := call(http.MethodGet, "/log/acme/checkpoint", ""); err == nil && status == http.StatusOK {
				mu.Lock()
				checkpoints[string(body)] = true
				mu.Unlock()
			}
		}
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n, c := len(acked), len(checkpoints)
		mu.Unlock()
		if (n >= 200 && c >= 3) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	close(stop)
	wg.Wait()
	if len(acked) == 0 || len(checkpoints) < 2 {
		t.Fatalf("too little happened before the kill: %d writes, %d checkpoints", len(acked), len(checkpoints))
	}

	// Restart: every acknowledged write is there, sealed, and the log
	// extends every checkpoint signed before the kill.
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := service.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	mk, _, err := ledger.LoadOrCreateKeyFile(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	svc.SetLogKey(mk)
	org, _ := svc.ResolveOrganization(ctx, "acme")
	octx := service.OperatorContext(ctx, org, "test")
	for _, id := range acked {
		if _, err := svc.FindSystemByID(octx, id); err != nil {
			t.Fatalf("acknowledged system %s is lost: %v", id, err)
		}
		evs, _, err := svc.FindAuditEvents(octx, aims.AuditFilter{EntityID: id})
		if err != nil || len(evs) != 1 {
			t.Fatalf("audit event of %s: %v", id, err)
		}
		if _, err := svc.AuditEventProof(octx, evs[0].ID); err != nil {
			t.Fatalf("acknowledged system %s is not sealed: %v", id, err)
		}
	}
	if rep, err := svc.CheckLogs(ctx, service.LogCheckOptions{}); err != nil || len(rep.Findings) > 0 {
		t.Fatalf("check after restart: %v %+v", err, rep)
	}
	vkey, _ := svc.LogVerifierKey(octx)
	v, _ := ledger.ParseVerifierKey(vkey)
	now, err := svc.LogCheckpoint(octx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	head, err := ledger.OpenCheckpoint(now, v)
	if err != nil {
		t.Fatal(err)
	}
	for note := range checkpoints {
		old, err := ledger.OpenCheckpoint([]byte(note), v)
		if err != nil {
			t.Fatalf("a checkpoint signed before the kill does not verify: %v", err)
		}
		if old.Size == head.Size {
			if !bytes.Equal(old.Root, head.Root) {
				t.Fatalf("two roots for size %d", old.Size)
			}
			continue
		}
		p, err := svc.LogConsistencyProof(octx, old.Size, head.Size)
		if err != nil {
			t.Fatal(err)
		}
		if err := ledger.CheckExtends(old, head, p.Hashes); err != nil {
			t.Fatalf("the log after the kill does not extend the checkpoint of size %d: %v", old.Size, err)
		}
	}
	t.Logf("%d acknowledged writes, %d checkpoints before the kill, log of %d entries after", len(acked), len(checkpoints), head.Size)
}
