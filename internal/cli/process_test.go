package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/ledger"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// buildAIMS builds the aims binary into a temp directory, as a user would.
func buildAIMS(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary: skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "aims")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/aims")
	cmd.Dir = filepath.Join("..", "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/aims: %v\n%s", err, out)
	}
	return bin
}

// childEnv is the test's environment without AIMS_* settings, plus extra.
func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AIMS_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// process is 'aims serve' running as a child process.
type process struct {
	cmd    *exec.Cmd
	url    string
	logs   *syncBuffer
	exited chan struct{}
	err    error // the exit status, once exited is closed
}

// start runs 'aims serve' with args and env; ready waits until it listens.
func start(t *testing.T, bin string, env []string, args ...string) *process {
	t.Helper()
	p := &process{logs: &syncBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(bin, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)...)
	p.cmd.Env = env
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(io.TeeReader(stderr, p.logs))
		for sc.Scan() {
			var line struct {
				Msg string `json:"msg"`
				URL string `json:"url"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "aims is ready" {
				ready <- line.URL
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.exited
	})
	p.waitReady(t, ready)
	return p
}

func (p *process) waitReady(t *testing.T, ready chan string) {
	t.Helper()
	select {
	case p.url = <-ready:
	case <-p.exited:
		t.Fatalf("aims serve exited before it was ready: %v\nlogs:\n%s", p.err, p.logs)
	case <-time.After(2 * time.Minute):
		t.Fatalf("aims serve not ready after 2 minutes\nlogs:\n%s", p.logs)
	}
}

// terminate sends SIGTERM and checks that the process exits with status 0.
func (p *process) terminate(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(time.Minute):
		t.Fatalf("aims serve still runs a minute after SIGTERM\nlogs:\n%s", p.logs)
	}
	if p.err != nil {
		t.Errorf("aims serve exited with %v after SIGTERM, want status 0\nlogs:\n%s", p.err, p.logs)
	}
}

// command runs a one-shot aims command with stdin and returns its stdout.
func command(t *testing.T, bin string, env []string, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("aims %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// TestSIGTERMStopsCleanly starts the built binary, uses it, sends SIGTERM,
// and checks that it shuts down gracefully with exit status 0 and that the
// database it wrote opens again.
func TestSIGTERMStopsCleanly(t *testing.T) {
	bin := buildAIMS(t)
	dir := t.TempDir()
	env := childEnv()
	command(t, bin, env, "a long enough password\n", "user", "create", "--org", "acme", "--email", "admin@acme.test", "--name", "Admin", "--role", "admin", "--data-dir", dir)
	token := lastLine(command(t, bin, env, "", "token", "create", "--email", "admin@acme.test", "--name", "sigterm", "--data-dir", dir))
	p := start(t, bin, env, "--data-dir", dir)
	if st := call(t, http.MethodPost, p.url+"/api/v1/suppliers", token, map[string]any{"name": "Vendor", "supplies": []string{"model"}}, nil); st != http.StatusCreated {
		t.Fatalf("create supplier: %d", st)
	}
	p.terminate(t)
	logs := p.logs.String()
	if !strings.Contains(logs, "shutting down") || !strings.Contains(logs, "aims stopped") {
		t.Errorf("the log does not show a graceful shutdown:\n%s", logs)
	}
	p = start(t, bin, env, "--data-dir", dir)
	var list struct {
		Total int `json:"total"`
	}
	if st := call(t, http.MethodGet, p.url+"/api/v1/suppliers", token, nil, &list); st != http.StatusOK || list.Total != 1 {
		t.Errorf("after restart: status %d, %d suppliers; want the one created", st, list.Total)
	}
	p.terminate(t)
}

// TestReplicasOnPostgres starts two 'aims serve' processes at the same time
// on one fresh PostgreSQL schema: both become ready, the migrations ran
// once, and a system created through one is read through the other.
func TestReplicasOnPostgres(t *testing.T) {
	dbURL := storetest.PostgresURL(t)
	bin := buildAIMS(t)
	// Replicas share the log key (AIMS_LOG_KEY) and each has its own data
	// directory, as on separate hosts.
	key, err := ledger.GenerateMasterKey("replicas.test")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	procs := make([]*process, 2)
	for i := range procs {
		env := childEnv("AIMS_DATABASE_URL="+dbURL, "AIMS_LOG_LEVEL=info", "AIMS_LOG_KEY="+key, "AIMS_DATA_DIR="+t.TempDir())
		wg.Go(func() { procs[i] = start(t, bin, env) })
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	a, b := procs[0], procs[1]

	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT version_id, COUNT(*) FROM goose_db_version GROUP BY version_id ORDER BY version_id`)
	if err != nil {
		t.Fatal(err)
	}
	applied := 0
	for rows.Next() {
		var version, n int64
		if err := rows.Scan(&version, &n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("migration %d recorded %d times, want once", version, n)
		}
		if version > 0 {
			applied++
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join("..", "store", "migrations", "postgres", "*.sql"))
	if applied != len(files)+store.GoMigrations || applied == 0 {
		t.Errorf("%d migrations recorded, want the %d of internal/store/migrations/postgres and %d in Go", applied, len(files), store.GoMigrations)
	}
	migrated := strings.Count(a.logs.String()+b.logs.String(), `"applied migration"`)
	if migrated != len(files)+store.GoMigrations {
		t.Errorf("the two processes applied %d migrations between them, want %d", migrated, len(files)+store.GoMigrations)
	}

	env := childEnv("AIMS_DATABASE_URL="+dbURL, "AIMS_LOG_KEY="+key, "AIMS_DATA_DIR="+t.TempDir())
	command(t, bin, env, "a long enough password\n", "user", "create", "--org", "acme", "--email", "admin@acme.test", "--name", "Admin", "--role", "admin")
	token := lastLine(command(t, bin, env, "", "token", "create", "--email", "admin@acme.test", "--name", "replicas"))

	var sys aims.AISystem
	if st := call(t, http.MethodPost, a.url+"/api/v1/systems", token, map[string]any{"name": "Credit scoring", "purpose": "Scores loan applications",
		"operator_roles": []string{"provider"}, "lifecycle_stage": "deployed", "autonomy": "human_approval"}, &sys); st != http.StatusCreated {
		t.Fatalf("create through the first process: %d", st)
	}
	var got aims.AISystem
	if st := call(t, http.MethodGet, b.url+"/api/v1/systems/"+sys.ID, token, nil, &got); st != http.StatusOK || got.Name != "Credit scoring" {
		t.Fatalf("read through the second process: %d, %q", st, got.Name)
	}
	for _, p := range procs {
		if st, body := get(t, p.url+"/readyz"); st != http.StatusOK {
			t.Errorf("/readyz of %s: %d %s", p.url, st, body)
		}
		p.terminate(t)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil && !errors.Is(err, context.Canceled) {
		t.Errorf("the database is unreachable after the processes stopped: %v", err)
	}
}
