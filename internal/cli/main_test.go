package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/cli"
)

// syncBuffer is a buffer that a server's goroutines may write to while the
// test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// server is an in-process 'aims serve'.
type server struct {
	url  string
	logs *syncBuffer
	stop context.CancelFunc
	done chan error
}

// serve starts 'aims serve' with args in-process and waits until it listens.
// The server is stopped when the test ends, unless shutdown was called.
func serve(t *testing.T, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{logs: &syncBuffer{}, stop: cancel, done: make(chan error, 1)}
	ready := make(chan string, 1)
	p := &cli.Program{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: s.logs, Version: "test",
		Ready: func(url string) { ready <- url }}
	go func() { s.done <- p.Run(ctx, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)) }()
	select {
	case s.url = <-ready:
	case err := <-s.done:
		cancel()
		t.Fatalf("aims serve ended before it was ready: %v\nlogs:\n%s", err, s.logs)
	case <-time.After(2 * time.Minute):
		cancel()
		t.Fatalf("aims serve not ready after 2 minutes\nlogs:\n%s", s.logs)
	}
	t.Cleanup(func() {
		cancel()
		<-s.done
	})
	return s
}

// shutdown stops the server as a signal would, and checks it ended cleanly.
func (s *server) shutdown(t *testing.T) {
	t.Helper()
	s.stop()
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("aims serve ended with %v\nlogs:\n%s", err, s.logs)
		}
		s.done <- nil // for the cleanup
	case <-time.After(time.Minute):
		t.Fatalf("aims serve did not stop within a minute")
	}
}

// call sends one request to a running server and decodes a JSON answer
// into out (when not nil). It returns the status.
func call(t *testing.T, method, url, token string, body any, out any) int {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: decode %q: %v", method, url, data, err)
		}
	}
	if res.StatusCode >= 300 {
		t.Logf("%s %s: %d %s", method, url, res.StatusCode, data)
	}
	return res.StatusCode
}

// get returns the status and body of a GET without authentication.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// lastLine returns the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
