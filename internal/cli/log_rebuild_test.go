package cli_test

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// logDB is a deployment's database for the log tests: its CLI arguments
// and a way to change it directly, as someone with database access would.
type logDB struct {
	args []string
	raw  func(query string)
	pg   bool
}

// eachDatabase runs fn on a SQLite deployment and on a PostgreSQL one
// (skipped unless AIMS_TEST_POSTGRES_URL is set).
func eachDatabase(t *testing.T, fn func(t *testing.T, dir string, db logDB)) {
	t.Run("sqlite", func(t *testing.T) {
		dir := isolate(t)
		opts := store.Options{SQLitePath: filepath.Join(dir, "aims.db")}
		fn(t, dir, logDB{args: []string{"--data-dir", dir}, raw: func(q string) { storetest.RawExec(t, opts, q) }})
	})
	t.Run("postgres", func(t *testing.T) {
		url := storetest.PostgresURL(t)
		dir := isolate(t)
		opts := store.Options{DatabaseURL: url}
		fn(t, dir, logDB{args: []string{"--data-dir", dir, "--database-url", url}, raw: func(q string) { storetest.RawExec(t, opts, q) }, pg: true})
	})
}

// aimsIn runs an aims command on the deployment and checks its exit code.
func (db logDB) aims(t *testing.T, want int, stdin string, args ...string) aimsRun {
	t.Helper()
	r := runAIMS(t, "", stdin, append(args, db.args...)...)
	wantCode(t, r, want, strings.Join(args[:min(3, len(args))], " "))
	return r
}

// deleteLogOf drops the log's guard triggers and deletes every row of the
// organization's log, as an attacker who wants a forged trail sealed afresh
// would.
func (db logDB) deleteLogOf(slug string) {
	for _, table := range []string{"log_leaves", "log_nodes", "log_tiles", "log_checkpoints"} {
		if db.pg {
			db.raw(`DROP TRIGGER IF EXISTS ` + table + `_append_only ON ` + table)
		} else {
			db.raw(`DROP TRIGGER IF EXISTS ` + table + `_no_update`)
			db.raw(`DROP TRIGGER IF EXISTS ` + table + `_no_delete`)
		}
		db.raw(`DELETE FROM ` + table + ` WHERE log_id IN (SELECT h.log_id FROM log_heads h JOIN organizations o ON o.id = h.org_id WHERE o.slug = '` + slug + `')`)
	}
	db.raw(`DELETE FROM log_heads WHERE org_id = (SELECT id FROM organizations WHERE slug = '` + slug + `')`)
}

// twoOrgs makes organizations acme and globex, each with an admin, and
// returns an API token of each.
func twoOrgs(t *testing.T, db logDB) (acme, globex string) {
	t.Helper()
	for _, org := range []string{"acme", "globex"} {
		db.aims(t, 0, "a long enough password\n", "user", "create", "--org", org, "--email", "admin@"+org+".test", "--name", "Admin", "--role", "admin")
	}
	acme = strings.TrimSpace(db.aims(t, 0, "", "token", "create", "--org", "acme", "--email", "admin@acme.test", "--name", "t").stdout)
	globex = strings.TrimSpace(db.aims(t, 0, "", "token", "create", "--org", "globex", "--email", "admin@globex.test", "--name", "t").stdout)
	return acme, globex
}

// createSystem posts a new AI system and returns the status and body.
func createSystem(t *testing.T, url, token, name string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/api/v1/systems", strings.NewReader(`{"name":"`+name+`","purpose":"Scores applications",
		"operator_roles":["deployer"],"lifecycle_stage":"development","autonomy":"autonomous"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestServeRefusesADeletedLog: the tables of one organization's log are
// emptied in the database. 'aims log check' reports it (it said "OK: 0
// logs" before); 'aims serve' refuses that organization's writes (503,
// naming 'aims log rebuild') and logs why, while the other organization
// and reads go on; 'aims log rebuild' starts a new log whose first entry
// records the break, which 'aims log check' and 'aims log verify' accept.
func TestServeRefusesADeletedLog(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dir string, db logDB) {
		acme, globex := twoOrgs(t, db)
		db.aims(t, 0, "", "log", "check")
		db.deleteLogOf("acme")

		r := db.aims(t, 1, "", "log", "check")
		if !strings.Contains(r.stdout, "organization acme") || !strings.Contains(r.stdout, "no head any more") {
			t.Fatalf("log check after the log was deleted printed:\n%s%s", r.stdout, r.stderr)
		}

		s := serve(t, append(db.args, "--log-level", "info")...)
		if logs := s.logs.String(); !strings.Contains(logs, "tamper-evident log refused") || !strings.Contains(logs, "no head any more") {
			t.Fatalf("serve did not log why it refused acme's log:\n%s", logs)
		}
		st, body := createSystem(t, s.url, acme, "Forged")
		if st != http.StatusServiceUnavailable || !strings.Contains(body, "aims log rebuild") || !strings.Contains(body, "no head any more") {
			t.Fatalf("write to the refused organization: %d %s", st, body)
		}
		if st, body := createSystem(t, s.url, globex, "Fine"); st != http.StatusCreated {
			t.Fatalf("write to the other organization: %d %s", st, body)
		}
		if _, metrics := get(t, s.url+"/metrics"); !strings.Contains(metrics, "aims_log_refused_organizations 1") {
			t.Errorf("/metrics does not count the refused organization")
		}
		if st := call(t, http.MethodGet, s.url+"/api/v1/systems", acme, nil, nil); st != http.StatusOK {
			t.Fatalf("read in the refused organization: %d", st)
		}
		if st := call(t, http.MethodGet, s.url+"/api/v1/audit-events", acme, nil, nil); st != http.StatusOK {
			t.Fatalf("read the refused organization's audit trail: %d", st)
		}
		s.shutdown(t)

		db.aims(t, 2, "", "log", "rebuild", "--org", "acme") // no reason: usage
		r = db.aims(t, 0, "", "log", "rebuild", "--org", "acme", "--reason", "log tables emptied on the database host (ticket 42)")
		key := lastLine(r.stdout)
		if name, _, _ := strings.Cut(key, "+"); !strings.HasSuffix(name, "/log/acme/rebuilt-2") || !strings.Contains(r.stdout, "generation 2") {
			t.Fatalf("rebuild printed:\n%s", r.stdout)
		}
		db.aims(t, 0, "", "log", "check")
		out := filepath.Join(t.TempDir(), "acme-log")
		db.aims(t, 0, "", "log", "export", out, "--org", "acme")
		if r := runAIMS(t, "", "", "log", "verify", out, "--key", key, "--full"); r.code != 0 {
			t.Fatalf("verify the rebuilt log: %s%s", r.stdout, r.stderr)
		}
		first := firstEntry(t, out)
		h, err := ledger.ParseEntryHeader([]byte(first))
		if err != nil || h.Type != ledger.LogRebuiltType || !strings.Contains(first, "ticket 42") || !strings.Contains(first, `"generation":2`) {
			t.Fatalf("the rebuilt log's first entry: %s (%v)", first, err)
		}

		s = serve(t, db.args...)
		if st, body := createSystem(t, s.url, acme, "After the rebuild"); st != http.StatusCreated {
			t.Fatalf("write after the rebuild: %d %s", st, body)
		}
	})
}

// firstEntry returns the first entry of an exported log.
func firstEntry(t *testing.T, dir string) string {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join(dir, "tile", "entries", "000"))
	if len(matches) == 0 { // a partial bundle: 000.p/WIDTH
		matches, _ = filepath.Glob(filepath.Join(dir, "tile", "entries", "000.p", "*"))
	}
	if len(matches) == 0 {
		t.Fatalf("no entry bundle in %s", dir)
	}
	b, err := os.ReadFile(matches[0])
	if err != nil || len(b) < 2 {
		t.Fatalf("read %s: %v", matches[0], err)
	}
	n := int(b[0])<<8 | int(b[1])
	return string(b[2 : 2+n])
}

// keysFile writes what 'aims log key' lists (every organization's key) to
// a file, as an operator keeps it outside the database.
func keysFile(t *testing.T, db logDB) string {
	t.Helper()
	r := db.aims(t, 0, "", "log", "key")
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	lines := 0
	for sc.Scan() {
		if !strings.Contains(sc.Text(), " # ") {
			t.Fatalf("log key line %q has no organization comment", sc.Text())
		}
		lines++
	}
	if lines != 2 {
		t.Fatalf("log key listed %d logs, want 2:\n%s", lines, r.stdout)
	}
	path := filepath.Join(t.TempDir(), "log-keys")
	if err := os.WriteFile(path, []byte(r.stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestConfiguredKeyCatchesASwappedKey: the verifier key pinned in the
// database is replaced by another. With the keys kept outside the database
// (AIMS_LOG_VERIFIER_KEYS_FILE) 'aims serve' refuses that organization's
// writes and 'aims log check' reports it; before, the log went on taking
// writes under a key nobody had handed out.
func TestConfiguredKeyCatchesASwappedKey(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dir string, db logDB) {
		acme, globex := twoOrgs(t, db)
		for _, org := range []string{"acme", "globex"} { // sign a checkpoint: the key is pinned
			db.aims(t, 0, "", "log", "export", filepath.Join(t.TempDir(), org), "--org", org)
		}
		keys := keysFile(t, db)

		skey, err := ledger.GenerateMasterKey("forger")
		if err != nil {
			t.Fatal(err)
		}
		forged, _ := ledger.ParseMasterKey(skey)
		var origin string
		for _, line := range strings.Split(string(must(os.ReadFile(keys))), "\n") {
			if strings.HasSuffix(line, "# acme") {
				origin = strings.SplitN(line, "+", 2)[0]
			}
		}
		fk, err := forged.ForOrigin(origin)
		if err != nil || origin == "" {
			t.Fatalf("origin %q: %v", origin, err)
		}
		db.raw(`UPDATE log_heads SET verifier_key = '` + fk.VerifierKey + `' WHERE org_id = (SELECT id FROM organizations WHERE slug = 'acme')`)

		r := db.aims(t, 1, "", "log", "check", "--log-verifier-keys-file", keys)
		if !strings.Contains(r.stdout, "organization acme") || !strings.Contains(r.stdout, "the pinned key was changed") {
			t.Fatalf("log check with the configured keys printed:\n%s%s", r.stdout, r.stderr)
		}
		s := serve(t, append(db.args, "--log-verifier-keys-file", keys, "--log-level", "info")...)
		if !strings.Contains(s.logs.String(), "the pinned key was changed") {
			t.Fatalf("serve did not log the swapped key:\n%s", s.logs)
		}
		if st, body := createSystem(t, s.url, acme, "Under a forged key"); st != http.StatusServiceUnavailable || !strings.Contains(body, "pinned key was changed") {
			t.Fatalf("write under a swapped key: %d %s", st, body)
		}
		if st, body := createSystem(t, s.url, globex, "Fine"); st != http.StatusCreated {
			t.Fatalf("write to the other organization: %d %s", st, body)
		}
	})
}

// TestChangedOriginIsRefused: a log keeps the origin its first checkpoint
// pinned. A deployment whose base URL (hence origin) changes refuses the
// log with a message that names the way to keep it (AIMS_LOG_ORIGIN set to
// the old prefix), which then works.
func TestChangedOriginIsRefused(t *testing.T) {
	dir := isolate(t)
	db := logDB{args: []string{"--data-dir", dir}}
	acme, _ := twoOrgs(t, db)
	db.aims(t, 0, "", "log", "export", filepath.Join(t.TempDir(), "acme"), "--org", "acme")
	line := strings.SplitN(db.aims(t, 0, "", "log", "key").stdout, "\n", 2)[0]
	origin := strings.SplitN(line, "+", 2)[0]
	prefix, ok := strings.CutSuffix(origin, "/log/acme")
	if !ok || strings.Count(prefix, "/") != 1 {
		t.Fatalf("origin %q: want HOST/KEYID/log/acme when no base URL is set", origin)
	}

	r := db.aims(t, 1, "", "log", "check", "--base-url", "https://aims.example.com")
	if !strings.Contains(r.stdout, "cannot change its origin") {
		t.Fatalf("log check with another base URL printed:\n%s%s", r.stdout, r.stderr)
	}
	// The base URL names a host this test cannot reach: listen on a
	// port of this task's range and call it there.
	s := serve(t, "--data-dir", dir, "--base-url", "https://aims.example.com", "--log-level", "info", "--listen", "127.0.0.1:18231")
	s.url = "http://127.0.0.1:18231"
	logs := s.logs.String()
	if !strings.Contains(logs, "cannot change its origin") || !strings.Contains(logs, "AIMS_LOG_ORIGIN="+prefix) {
		t.Fatalf("serve did not refuse the origin change with the way out:\n%s", logs)
	}
	if st, body := createSystem(t, s.url, acme, "Renamed"); st != http.StatusServiceUnavailable || !strings.Contains(body, "aims.example.com/log/acme") {
		t.Fatalf("write to a log whose origin changed: %d %s", st, body)
	}
	s.shutdown(t)

	s = serve(t, "--data-dir", dir, "--base-url", "https://aims.example.com", "--log-origin", prefix, "--listen", "127.0.0.1:18232")
	s.url = "http://127.0.0.1:18232"
	if st, body := createSystem(t, s.url, acme, "Kept"); st != http.StatusCreated {
		t.Fatalf("write with the old origin kept: %d %s", st, body)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
