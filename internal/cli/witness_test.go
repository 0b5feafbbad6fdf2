package cli_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/cli"
	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/witness"
)

// startWitness runs 'aims witness serve' in-process on a loopback port for
// the logs with the given verifier keys, and returns its URL and key.
func startWitness(t *testing.T, name string, logKeys ...string) (url, vkey string) {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	logs := &syncBuffer{}
	p := &cli.Program{Stdin: strings.NewReader(""), Stdout: logs, Stderr: logs, Version: "test", Ready: func(u string) { ready <- u }}
	args := []string{"witness", "serve", "--data-dir", dir, "--name", name, "--listen", "127.0.0.1:0", "--log-level", "warn"}
	for _, k := range logKeys {
		args = append(args, "--log", k)
	}
	go func() { done <- p.Run(ctx, args) }()
	select {
	case url = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("aims witness serve ended: %v\n%s", err, logs)
	case <-time.After(time.Minute):
		cancel()
		t.Fatal("aims witness serve not ready after a minute")
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("aims witness serve: %v", err)
		}
	})
	vkey = strings.TrimSpace(mustRun(t, "", "witness", "key", "--data-dir", dir))
	if !strings.Contains(logs.String(), "verifier key: "+vkey) {
		t.Fatalf("witness serve does not print its key %s:\n%s", vkey, logs)
	}
	return url, vkey
}

var cosignedSize = regexp.MustCompile(`cosigned up to size (\d+)`)

// TestTwoWitnessesCosignTheDemoLog: two witnesses ('aims witness serve' on
// loopback) cosign a demo-like log; its export verifies with both
// witnesses' keys and two cosignatures required, and fails when one
// cosignature is removed.
func TestTwoWitnessesCosignTheDemoLog(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	demoLike(t, dir)
	key := strings.TrimSpace(mustRun(t, "", "log", "key", "--org", "demo", "--data-dir", dir))
	urlA, keyA := startWitness(t, "witness-a.example", key)
	urlB, keyB := startWitness(t, "witness-b.example", key)
	mustRun(t, "", "witness", "add", "--org", "demo", "--url", urlA, "--key", keyA, "--data-dir", dir)
	mustRun(t, "", "witness", "add", "--org", "demo", "--url", urlB, "--key", keyB, "--data-dir", dir)
	if _, err := run(t, "", "witness", "add", "--org", "demo", "--url", urlB, "--key", keyB, "--data-dir", dir); err == nil {
		t.Error("the same witness was added twice")
	}

	out := mustRun(t, "", "witness", "submit", "--org", "demo", "--data-dir", dir)
	if m := cosignedSize.FindAllStringSubmatch(out, -1); len(m) != 2 || m[0][1] == "0" || m[0][1] != m[1][1] {
		t.Fatalf("after submit, want both witnesses to cosign the same checkpoint:\n%s", out)
	}

	bundle := filepath.Join(t.TempDir(), "bundle")
	out = mustRun(t, "", "log", "export", bundle, "--org", "demo", "--data-dir", dir)
	if !strings.Contains(out, "cosigned by 2 of the 2 witnesses") || !strings.Contains(out, "--witness '"+keyB+"' --min-cosignatures 2") {
		t.Errorf("export does not say how to require the cosignatures:\n%s", out)
	}
	out = mustRun(t, "", "log", "verify", bundle, "--key", key, "--witness", keyA, "--witness", keyB, "--min-cosignatures", "2", "--full")
	if !strings.Contains(out, "cosigned by witness-a.example, witness-b.example") {
		t.Fatalf("verify with two witnesses:\n%s", out)
	}

	// Remove witness B's cosignature from the exported checkpoint (and
	// from its copy under checkpoints/, which must stay the same bytes).
	cp, err := os.ReadFile(filepath.Join(bundle, ledger.BundleCheckpoint))
	if err != nil {
		t.Fatal(err)
	}
	size := strings.Split(string(cp), "\n")[1]
	var kept []string
	for _, l := range strings.SplitAfter(string(cp), "\n") {
		if !strings.HasPrefix(l, "— witness-b.example ") {
			kept = append(kept, l)
		}
	}
	if len(kept) != len(strings.SplitAfter(string(cp), "\n"))-1 {
		t.Fatalf("the exported checkpoint has no cosignature of witness B:\n%s", cp)
	}
	for _, f := range []string{ledger.BundleCheckpoint, filepath.Join(ledger.BundleCheckpoints, size)} {
		if err := os.WriteFile(filepath.Join(bundle, f), []byte(strings.Join(kept, "")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err = run(t, "", "log", "verify", bundle, "--key", key, "--witness", keyA, "--witness", keyB, "--min-cosignatures", "2")
	if err == nil || !strings.Contains(err.Error(), "1 valid cosignatures of the 2 required") || !strings.Contains(err.Error(), "witness-b.example") {
		t.Fatalf("verify with one cosignature removed: %v", err)
	}
	mustRun(t, "", "log", "verify", bundle, "--key", key, "--witness", keyA, "--witness", keyB, "--min-cosignatures", "1")
}

// TestWitnessRefusesARebuiltLog: a log cosigned by a witness is rebuilt
// elsewhere under the same key (another database, the same organization
// and key file): the witness refuses to cosign it, and 'aims log check'
// of the rebuilt log reports the refusal; the honest log is still cosigned.
func TestWitnessRefusesARebuiltLog(t *testing.T) {
	t.Parallel()
	honest := t.TempDir()
	demoLike(t, honest)
	key := strings.TrimSpace(mustRun(t, "", "log", "key", "--org", "demo", "--data-dir", honest))
	url, wkey := startWitness(t, "witness.example", key)
	mustRun(t, "", "witness", "add", "--org", "demo", "--url", url, "--key", wkey, "--data-dir", honest)
	out := mustRun(t, "", "witness", "submit", "--org", "demo", "--data-dir", honest)
	if !cosignedSize.MatchString(out) {
		t.Fatalf("the honest log was not cosigned:\n%s", out)
	}

	// The fork: the same key file, the same organization, other records
	// (more of them than the honest log has, so the witness gets a proof).
	forked := t.TempDir()
	b, err := os.ReadFile(filepath.Join(honest, ledger.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(forked, ledger.KeyFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
	demoLike(t, forked)
	for _, email := range []string{"x@demo.test", "y@demo.test", "z@demo.test"} {
		mustRun(t, "correct horse battery\n", "user", "create", "--org", "demo", "--email", email, "--name", "X", "--role", "viewer", "--data-dir", forked)
	}
	if k := strings.TrimSpace(mustRun(t, "", "log", "key", "--org", "demo", "--data-dir", forked)); k != key {
		t.Fatalf("the forked log has key %s, not the honest log's %s", k, key)
	}
	mustRun(t, "", "witness", "add", "--org", "demo", "--url", url, "--key", wkey, "--data-dir", forked)
	out, err = run(t, "", "witness", "submit", "--org", "demo", "--data-dir", forked)
	if err == nil || !strings.Contains(out, "REFUSED") || !strings.Contains(out, "422") {
		t.Fatalf("the witness did not refuse the forked log: err %v\n%s", err, out)
	}
	t.Logf("submit of the forked log:\n%s", out)
	out, err = run(t, "", "log", "check", "--data-dir", forked)
	t.Logf("log check of the forked log: %v\n%s", err, out)
	if err == nil || !strings.Contains(out, "witness witness.example refused to cosign") {
		t.Fatalf("log check of the forked log: err %v\n%s", err, out)
	}

	// The honest log grows and is still cosigned.
	mustRun(t, "correct horse battery\n", "user", "create", "--org", "demo", "--email", "second@demo.test", "--name", "Second", "--role", "viewer", "--data-dir", honest)
	out = mustRun(t, "", "witness", "submit", "--org", "demo", "--data-dir", honest)
	if strings.Contains(out, "REFUSED") || !cosignedSize.MatchString(out) {
		t.Fatalf("the honest log after the fork:\n%s", out)
	}
	mustRun(t, "", "log", "check", "--data-dir", honest)
}

// TestServeSubmitsToWitnessesAndPublishes: 'aims serve' submits each new
// checkpoint to the witness configured through the API, in the background,
// and serves the checkpoint with its cosignature; once the organization
// publishes its checkpoints they and the hash tiles are served without a
// token, the entries are not.
func TestServeSubmitsToWitnessesAndPublishes(t *testing.T) {
	dir := isolate(t)
	wantCode(t, runAIMS(t, dir, "a long enough password\n", "user", "create", "--org", "acme", "--email", "admin@acme.test", "--name", "Admin", "--role", "admin"), 0, "user create")
	r := runAIMS(t, dir, "", "token", "create", "--email", "admin@acme.test", "--name", "e2e")
	wantCode(t, r, 0, "token create")
	token := strings.TrimSpace(r.stdout)
	r = runAIMS(t, dir, "", "log", "key", "--org", "acme")
	wantCode(t, r, 0, "log key")
	url, wkey := startWitness(t, "witness.example", strings.TrimSpace(r.stdout))

	s := serve(t, "--data-dir", dir)
	if st := call(t, http.MethodPost, s.url+"/api/v1/log/witnesses", token, map[string]any{"url": "ftp://x", "verifier_key": "nope"}, nil); st != http.StatusUnprocessableEntity {
		t.Errorf("a bad witness: status %d, want 422", st)
	}
	var w aims.LogWitness
	if st := call(t, http.MethodPost, s.url+"/api/v1/log/witnesses", token, map[string]any{"url": url, "verifier_key": wkey}, &w); st != http.StatusCreated || w.Name != "witness.example" {
		t.Fatalf("add witness: status %d, %+v", st, w)
	}
	if st := call(t, http.MethodPost, s.url+"/api/v1/systems", token, map[string]any{"name": "Setpoint optimizer", "purpose": "Keeps the setpoint",
		"operator_roles": []string{"deployer"}, "lifecycle_stage": "development", "autonomy": "autonomous"}, nil); st != http.StatusCreated {
		t.Fatalf("create system: status %d", st)
	}
	var cp string
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		req, _ := http.NewRequest(http.MethodGet, s.url+"/log/acme/checkpoint", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if cp = string(b); strings.Contains(cp, "\n— witness.example ") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no cosigned checkpoint served after 30 s; last:\n%s\nlogs:\n%s", cp, s.logs)
		}
	}
	var ws []aims.LogWitness
	if st := call(t, http.MethodGet, s.url+"/api/v1/log/witnesses", token, nil, &ws); st != http.StatusOK || len(ws) != 1 || ws[0].Status == nil || ws[0].Status.CosignedSize == 0 {
		t.Fatalf("list witnesses: status %d, %+v", st, ws)
	}

	size := strings.Split(cp, "\n")[1]
	for path, want := range map[string]int{"checkpoint": 401, "tile/0/000.p/" + size: 401, "tile/entries/000.p/" + size: 401} {
		if st, _ := get(t, s.url+"/log/acme/"+path); st != want {
			t.Errorf("unpublished %s without a token: status %d, want %d", path, st, want)
		}
	}
	if st := call(t, http.MethodPut, s.url+"/api/v1/log/settings", token, map[string]any{"public_checkpoints": true}, nil); st != http.StatusOK {
		t.Fatalf("publish: status %d", st)
	}
	for path, want := range map[string]int{"checkpoint": 200, "tile/0/000.p/" + size: 200, "tile/entries/000.p/" + size: 401} {
		st, body := get(t, s.url+"/log/acme/"+path)
		if st != want {
			t.Errorf("published %s without a token: status %d, want %d", path, st, want)
		}
		if path == "checkpoint" && !strings.Contains(body, "\n— witness.example ") {
			t.Errorf("the public checkpoint has no cosignature:\n%s", body)
		}
	}
	if st, _ := get(t, s.url+"/log/other/checkpoint"); st != http.StatusUnauthorized {
		t.Errorf("an unknown organization's checkpoint: status %d, want 401 (no hint whether it exists)", st)
	}
}

// TestWitnessKeyFromAFile: a witness can be given its key instead of
// making one; 'aims witness key' prints the matching verifier key.
func TestWitnessKeyFromAFile(t *testing.T) {
	t.Parallel()
	skey, vkey, err := witness.GenerateKey("witness.given.example")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(file, []byte(skey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if got := strings.TrimSpace(mustRun(t, "", "witness", "key", "--data-dir", dir, "--key-file", file)); got != vkey {
		t.Fatalf("witness key = %q, want %q", got, vkey)
	}
	if _, err := os.Stat(filepath.Join(dir, "witness.key")); err == nil {
		t.Error("a key was made although one was given")
	}
}
