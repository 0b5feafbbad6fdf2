package server_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/store"
)

// TestFullDiskAnswers507AndReadyzRecovers fills a real, size-limited
// filesystem (a tmpfs mounted for the test; it skips where mounting is not
// permitted) under a SQLite database: a write answers 507 problem+json that
// says the storage is full, /readyz turns 503, and both recover once space
// returns, without a restart.
func TestFullDiskAnswers507AndReadyzRecovers(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a size-limited tmpfs (needs root): %v %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Logf("umount %s: %v %s", dir, err, out)
		}
	})
	e := newLogEnv(t, store.Options{SQLitePath: filepath.Join(dir, "aims.db")})
	createSystem := func(i int) (int, []byte) {
		return e.do("admin", http.MethodPost, "/api/v1/systems", fmt.Sprintf(
			`{"name":"System %d","purpose":"Testing","description":%q,"operator_roles":["deployer"],"lifecycle_stage":"development","autonomy":"advisory"}`,
			i, strings.Repeat("A long description. ", 1000)))
	}
	readyz := func() (int, string) {
		res, err := http.Get(e.srv.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if st, body := readyz(); st != http.StatusOK {
		t.Fatalf("before: /readyz %d %s", st, body)
	}

	// Fill the disk.
	filler := filepath.Join(dir, "filler")
	fill, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 64<<10)
	for {
		if _, err := fill.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			break
		}
	}
	fill.Close()

	status, body := 0, []byte(nil)
	for i := 1; i <= 100; i++ {
		if status, body = createSystem(i); status != http.StatusCreated {
			break
		}
	}
	if status != http.StatusInsufficientStorage {
		t.Fatalf("a write to a full disk: %d %s, want 507", status, body)
	}
	var p struct {
		Status int    `json:"status"`
		Detail string `json:"detail"`
	}
	if err := json.Unmarshal(body, &p); err != nil || p.Status != 507 || !strings.Contains(p.Detail, "full") {
		t.Errorf("507 body %s: want a problem that says the storage is full", body)
	}
	if st, body := readyz(); st != http.StatusServiceUnavailable || !strings.Contains(body, "full") {
		t.Errorf("full: /readyz %d %q, want 503 saying the storage is full", st, body)
	}
	if st, _ := e.do("admin", http.MethodGet, "/api/v1/systems", ""); st != http.StatusOK {
		t.Errorf("full: reading answers %d, want 200", st)
	}

	// Space returns: readiness probes again within a few seconds.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, body := readyz()
		if st == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("space returned: /readyz still %d %q", st, body)
		}
		time.Sleep(500 * time.Millisecond)
	}
	if st, body := createSystem(1000); st != http.StatusCreated {
		t.Errorf("space returned: write answers %d %s", st, body)
	}
}
