package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestServeDemoPrintsAccountsOutsideTheLog: in demo mode the accounts and
// passwords are printed once, as a plain text block on standard error, and
// no JSON log line carries a password.
func TestServeDemoPrintsAccountsOutsideTheLog(t *testing.T) {
	s := serve(t, "--data-dir", isolate(t), "--demo", "--log-level", "info")
	s.shutdown(t)
	out := s.logs.String()
	i := strings.Index(out, "Demo accounts (demo mode only")
	if i < 0 {
		t.Fatalf("no accounts block on standard error:\n%s", out)
	}
	var passwords []string
	for _, line := range strings.Split(out[i:], "\n")[1:] {
		f := strings.Fields(line)
		if len(f) == 3 && strings.Contains(f[1], "@") {
			passwords = append(passwords, f[2])
		}
		if strings.HasPrefix(line, "{") {
			break
		}
	}
	if len(passwords) != 6 {
		t.Fatalf("%d accounts in the block, want 6:\n%s", len(passwords), out[i:])
	}
	for _, line := range strings.Split(out, "\n") {
		if !json.Valid([]byte(line)) {
			continue
		}
		for _, p := range passwords {
			if strings.Contains(line, p) {
				t.Errorf("a JSON log line carries a password: %s", line)
			}
		}
	}
	for _, p := range passwords {
		if n := strings.Count(out, p); n != 1 {
			t.Errorf("a password is printed %d times, want once", n)
		}
	}
}
