package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	tlogfmt "github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/server"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// logEnv is a server over a fresh database with an organization, a log
// key, and tokens for several callers.
type logEnv struct {
	t      *testing.T
	opts   store.Options
	db     *store.DB
	svc    *service.Service
	srv    *httptest.Server
	org    *aims.Organization
	octx   context.Context // the host's operator in org
	tokens map[string]string
	vkey   string
}

// forEachDatabase runs fn on SQLite and, when configured, PostgreSQL.
func forEachDatabase(t *testing.T, fn func(t *testing.T, opts store.Options)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, store.Options{SQLitePath: filepath.Join(t.TempDir(), "aims.db")})
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, store.Options{DatabaseURL: storetest.PostgresURL(t)})
	})
}

var testMasterKey = func() string {
	k, err := ledger.GenerateMasterKey("aims.test")
	if err != nil {
		panic(err)
	}
	return k
}()

func newLogEnv(t *testing.T, opts store.Options) *logEnv {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := service.New(db, quiet)
	mk, _ := ledger.ParseMasterKey(testMasterKey)
	svc.SetLogKey(mk)
	e := &logEnv{t: t, opts: opts, db: db, svc: svc, tokens: map[string]string{}}
	e.srv = httptest.NewServer(server.New(server.Config{Version: "test"}, svc, quiet).Handler())
	t.Cleanup(e.srv.Close)
	e.org, e.octx = e.addOrg("acme")
	for _, role := range []aims.Role{aims.RoleAdmin, aims.RoleViewer, aims.RoleAuditor} {
		e.tokens[string(role)] = e.token(e.octx, string(role)+"@acme.test", role, nil)
	}
	e.tokens["log-reader"] = e.token(e.octx, "reader@acme.test", aims.RoleAuditor, []string{aims.ScopeLogRead})
	_, gctx := e.addOrg("globex")
	e.tokens["other-org"] = e.token(gctx, "admin2@globex.test", aims.RoleAdmin, nil)
	if e.vkey, err = svc.LogVerifierKey(e.octx); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *logEnv) addOrg(slug string) (*aims.Organization, context.Context) {
	e.t.Helper()
	org, _, err := e.svc.BootstrapUser(context.Background(), service.Bootstrap{OrgSlug: slug, Email: "owner@" + slug + ".test", Name: "Owner",
		Role: aims.RoleAdmin, Password: "correct horse battery", Actor: aims.Actor{Kind: aims.ActorCLI, Label: "test"}})
	if err != nil {
		e.t.Fatal(err)
	}
	return org, service.OperatorContext(context.Background(), org, "test")
}

func (e *logEnv) token(ctx context.Context, email string, role aims.Role, scopes []string) string {
	e.t.Helper()
	m, err := e.svc.AddMember(ctx, aims.NewMember{Email: email, Name: email, Role: role, Password: "correct horse battery"})
	if err != nil {
		e.t.Fatal(err)
	}
	secret, _, err := e.svc.CreateToken(ctx, aims.NewToken{UserID: m.ID, Name: "test", Scopes: scopes})
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

func (e *logEnv) do(who, method, path, body string) (int, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[who])
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (e *logEnv) createSystem(who, name string) string {
	e.t.Helper()
	status, body := e.do(who, http.MethodPost, "/api/v1/systems",
		`{"name":"`+name+`","purpose":"Testing","operator_roles":["deployer"],"lifecycle_stage":"development","autonomy":"advisory","impact_domains":["quality"]}`)
	if status != http.StatusCreated {
		e.t.Fatalf("create system: %d %s", status, body)
	}
	var s struct{ ID string }
	_ = json.Unmarshal(body, &s)
	return s.ID
}

// checkpoint fetches and opens the latest checkpoint with sumdb/note, as a
// third party would.
func (e *logEnv) checkpoint(who string) tlogfmt.Checkpoint {
	e.t.Helper()
	status, body := e.do(who, http.MethodGet, "/log/acme/checkpoint", "")
	if status != http.StatusOK {
		e.t.Fatalf("checkpoint: %d %s", status, body)
	}
	v, err := note.NewVerifier(e.vkey)
	if err != nil {
		e.t.Fatal(err)
	}
	n, err := note.Open(body, note.VerifierList(v))
	if err != nil {
		e.t.Fatalf("checkpoint signature: %v\n%s", err, body)
	}
	var cp tlogfmt.Checkpoint
	if _, err := cp.Unmarshal([]byte(n.Text)); err != nil {
		e.t.Fatal(err)
	}
	if cp.Origin != v.Name() || cp.Origin != "aims.test/log/acme" {
		e.t.Fatalf("origin %q, key name %q", cp.Origin, v.Name())
	}
	return cp
}

// TestLogServedAsTlogTiles checks what the HTTP API serves with
// sumdb/note and transparency-dev/merkle's verifier only.
func TestLogServedAsTlogTiles(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, opts store.Options) {
		e := newLogEnv(t, opts)
		for i := range 5 {
			e.createSystem("admin", fmt.Sprintf("System %d", i))
		}
		old := e.checkpoint("log-reader")
		for i := range 300 {
			e.createSystem("admin", fmt.Sprintf("Later system %d", i))
		}
		if err := e.svc.SignGrownLogs(context.Background()); err != nil {
			t.Fatal(err)
		}
		cp := e.checkpoint("viewer")
		if cp.Size != old.Size+300 {
			t.Fatalf("checkpoint size %d after 300 writes from %d", cp.Size, old.Size)
		}

		// Entries from the bundles hash to the tiles and to the root.
		var leafHashes [][]byte
		for n := uint64(0); n*256 < cp.Size; n++ {
			w := int(min(cp.Size-n*256, 256))
			status, bundle := e.do("log-reader", http.MethodGet, "/log/acme/"+ledger.TilePath(ledger.EntriesLevel, n, w), "")
			if status != http.StatusOK {
				t.Fatalf("entry bundle %d: %d %s", n, status, bundle)
			}
			entries, err := ledger.ParseBundle(bundle, w)
			if err != nil {
				t.Fatal(err)
			}
			status, tile := e.do("log-reader", http.MethodGet, "/log/acme/"+ledger.TilePath(0, n, w), "")
			if status != http.StatusOK || len(tile) != w*32 {
				t.Fatalf("tile 0/%d: %d, %d bytes", n, status, len(tile))
			}
			for i, en := range entries {
				h := rfc6962.DefaultHasher.HashLeaf(en)
				if !bytes.Equal(h, tile[i*32:(i+1)*32]) {
					t.Fatalf("entry %d does not hash to its tile hash", n*256+uint64(i))
				}
				leafHashes = append(leafHashes, h)
			}
		}
		// The inclusion proof of every 37th leaf verifies against the
		// signed root.
		for i := uint64(0); i < cp.Size; i += 37 {
			var p service.InclusionProof
			status, body := e.do("log-reader", http.MethodGet, fmt.Sprintf("/api/v1/log/proofs/inclusion?index=%d&size=%d", i, cp.Size), "")
			if status != http.StatusOK || json.Unmarshal(body, &p) != nil {
				t.Fatalf("inclusion proof: %d %s", status, body)
			}
			if err := proof.VerifyInclusion(rfc6962.DefaultHasher, i, cp.Size, leafHashes[i], p.Hashes, cp.Hash); err != nil {
				t.Fatalf("inclusion of %d: %v", i, err)
			}
		}
		var c service.ConsistencyProof
		status, body := e.do("auditor", http.MethodGet, fmt.Sprintf("/api/v1/log/proofs/consistency?old=%d&new=%d", old.Size, cp.Size), "")
		if status != http.StatusOK || json.Unmarshal(body, &c) != nil {
			t.Fatalf("consistency proof: %d %s", status, body)
		}
		if err := proof.VerifyConsistency(rfc6962.DefaultHasher, old.Size, cp.Size, c.Hashes, old.Hash, cp.Hash); err != nil {
			t.Fatalf("consistency: %v", err)
		}

		// One record's tlog-proof checks alone, and names its event.
		status, body = e.do("auditor", http.MethodGet, "/api/v1/audit-events?entity_type=ai_system&limit=1", "")
		var page struct{ Items []aims.AuditEvent }
		if status != http.StatusOK || json.Unmarshal(body, &page) != nil || len(page.Items) != 1 {
			t.Fatalf("audit events: %d %s", status, body)
		}
		ev := page.Items[0]
		status, file := e.do("log-reader", http.MethodGet, "/api/v1/audit-events/"+ev.ID+"/proof", "")
		if status != http.StatusOK {
			t.Fatalf("proof file: %d %s", status, file)
		}
		v, _ := ledger.ParseVerifierKey(e.vkey)
		_, entry, err := ledger.VerifyRecordProof(file, v, nil)
		if err != nil {
			t.Fatal(err)
		}
		if h, _ := ledger.ParseEntryHeader(entry); h.ID != ev.ID || !bytes.Contains(entry, []byte(ledger.Digest(ev.After))) {
			t.Fatalf("the proof's entry does not seal event %s: %s", ev.ID, entry)
		}
	})
}

func TestLogAccessAndBadInput(t *testing.T) {
	e := newLogEnv(t, store.Options{SQLitePath: filepath.Join(t.TempDir(), "aims.db")})
	e.createSystem("admin", "Credit scoring")
	size := e.checkpoint("admin").Size
	cases := []struct {
		name, who, method, path string
		want                    int
	}{
		{"index = size", "admin", "GET", fmt.Sprintf("/api/v1/log/proofs/inclusion?index=%d&size=%d", size, size), 400},
		{"index > size", "admin", "GET", "/api/v1/log/proofs/inclusion?index=9&size=3", 400},
		{"size beyond the log", "admin", "GET", fmt.Sprintf("/api/v1/log/proofs/inclusion?index=0&size=%d", size+1), 400},
		{"old > new", "admin", "GET", "/api/v1/log/proofs/consistency?old=3&new=2", 400},
		{"old = 0", "admin", "GET", "/api/v1/log/proofs/consistency?old=0&new=2", 400},
		{"new beyond the log", "admin", "GET", fmt.Sprintf("/api/v1/log/proofs/consistency?old=1&new=%d", size+1), 400},
		{"no index", "admin", "GET", "/api/v1/log/proofs/inclusion?size=3", 422},
		{"viewer reads the log", "viewer", "GET", "/log/acme/checkpoint", 200},
		{"log reader reads a tile", "log-reader", "GET", "/log/acme/tile/0/000.p/1", 200},
		{"log reader proves", "log-reader", "GET", "/api/v1/log/proofs/inclusion?index=0&size=2", 200},
		{"log reader may not list systems", "log-reader", "GET", "/api/v1/systems", 403},
		{"log reader may not read the audit trail", "log-reader", "GET", "/api/v1/audit-events", 403},
		{"log reader may not write", "log-reader", "POST", "/api/v1/systems", 403},
		{"log reader may not make tokens", "log-reader", "POST", "/api/v1/tokens", 403},
		{"another organization's log", "other-org", "GET", "/log/acme/checkpoint", 404},
		{"another organization's tile", "other-org", "GET", "/log/acme/tile/0/000.p/1", 404},
		{"another organization's event", "other-org", "GET", "/api/v1/audit-events/" + firstEventID(e) + "/proof", 404},
		{"anonymous", "", "GET", "/log/acme/checkpoint", 401},
		{"tile beyond the tree", "admin", "GET", "/log/acme/tile/0/001", 404},
		{"full tile not yet full", "admin", "GET", "/log/acme/tile/0/000", 404},
		{"malformed tile path", "admin", "GET", "/log/acme/tile/0/1", 404},
		{"entries beyond the tree", "admin", "GET", fmt.Sprintf("/log/acme/tile/entries/000.p/%d", size+1), 404},
		{"auditor may not acknowledge alerts", "auditor", "POST", "/api/v1/log/alerts/x/acknowledge", 403},
		{"unknown alert", "admin", "POST", "/api/v1/log/alerts/x/acknowledge", 404},
	}
	for _, c := range cases {
		status, body := e.do(c.who, c.method, c.path, "")
		if status != c.want {
			t.Errorf("%s: %s %s = %d, want %d (%s)", c.name, c.method, c.path, status, c.want, body)
		}
	}
	// A scoped token is refused at creation for an unknown scope.
	status, body := e.do("admin", http.MethodPost, "/api/v1/tokens", `{"name":"x","scopes":["log:write"]}`)
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), "/scopes/0") {
		t.Errorf("unknown scope: %d %s", status, body)
	}
}

func firstEventID(e *logEnv) string {
	evs, _, err := e.svc.FindAuditEvents(e.octx, aims.AuditFilter{Page: aims.Page{Limit: 1}})
	if err != nil || len(evs) == 0 {
		e.t.Fatalf("audit events: %v", err)
	}
	return evs[0].ID
}

// TestTamperedAuditRowIsDetected edits an audit row directly in the
// database, as an attacker with database access would, and checks that the
// check names the record, the UI shows a banner, and /metrics counts it.
func TestTamperedAuditRowIsDetected(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, opts store.Options) {
		e := newLogEnv(t, opts)
		id := e.createSystem("admin", "Credit scoring")
		e.checkpoint("admin")
		ctx := context.Background()
		rep, err := e.svc.CheckLogs(ctx, service.LogCheckOptions{})
		if err != nil || len(rep.Findings) != 0 {
			t.Fatalf("untouched log: %v, %+v", err, rep)
		}
		evs, _, _ := e.svc.FindAuditEvents(e.octx, aims.AuditFilter{EntityID: id})
		target := evs[0].ID
		if opts.DatabaseURL != "" {
			storetest.RawExec(t, opts, `DROP TRIGGER audit_events_no_update ON audit_events`)
		} else {
			storetest.RawExec(t, opts, `DROP TRIGGER audit_events_no_update`)
		}
		storetest.RawExec(t, opts, `UPDATE audit_events SET after_json = REPLACE(after_json, 'Testing', 'Altered') WHERE id = '`+target+`'`)

		rep, err = e.svc.CheckLogsAndAlert(ctx, service.LogCheckOptions{Recent: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Findings) != 1 || rep.Findings[0].RecordID != target || !strings.Contains(rep.Findings[0].Detail, "changed in the database") {
			t.Fatalf("findings = %+v", rep.Findings)
		}
		if rep.NewAlerts != 1 {
			t.Errorf("new alerts = %d", rep.NewAlerts)
		}
		// A second check raises no second alert.
		if rep, _ := e.svc.CheckLogsAndAlert(ctx, service.LogCheckOptions{}); rep.NewAlerts != 0 || len(rep.Findings) != 1 {
			t.Errorf("second check: %+v", rep)
		}
		banner := []byte(`role="alert" class="log-alert"`)
		for who, want := range map[string]bool{"admin": true, "auditor": true, "viewer": false} {
			for _, path := range []string{"/", "/log"} {
				if _, page := e.do(who, http.MethodGet, path, ""); bytes.Contains(page, banner) != want {
					t.Errorf("%s sees the tamper banner on %s: %v, want %v", who, path, !want, want)
				}
			}
			if _, page := e.do(who, http.MethodGet, "/log", ""); want && !bytes.Contains(page, []byte(target)) {
				t.Errorf("%s's log page does not name the record %s", who, target)
			}
		}
		_, metrics := e.do("", http.MethodGet, "/metrics", "")
		if !bytes.Contains(metrics, []byte("aims_log_tamper_alerts_total 1")) {
			t.Errorf("/metrics does not count the alert")
		}
		// The admin acknowledges it: the banner goes, the finding stays.
		alerts, _, _ := e.svc.FindLogAlerts(e.octx, true, aims.Page{})
		if status, body := e.do("admin", http.MethodPost, "/api/v1/log/alerts/"+alerts[0].ID+"/acknowledge", ""); status != http.StatusOK {
			t.Fatalf("acknowledge: %d %s", status, body)
		}
		if _, page := e.do("admin", http.MethodGet, "/", ""); bytes.Contains(page, banner) {
			t.Error("the banner stays after the alert is acknowledged")
		}
		// A deleted row, and a row inserted around aims, are named too.
		other := e.createSystem("admin", "Chatbot")
		evs, _, _ = e.svc.FindAuditEvents(e.octx, aims.AuditFilter{EntityID: other})
		if opts.DatabaseURL == "" {
			storetest.RawExec(t, opts, `DROP TRIGGER audit_events_no_delete`)
		}
		storetest.RawExec(t, opts, `DELETE FROM audit_events WHERE id = '`+evs[0].ID+`'`)
		storetest.RawExec(t, opts, `INSERT INTO audit_events (id, org_id, occurred_at, actor_kind, actor_label, action, entity_type, entity_id, entity_label)
			SELECT 'forged-event', org_id, occurred_at, actor_kind, actor_label, action, entity_type, entity_id, entity_label FROM audit_events WHERE id = '`+target+`'`)
		rep, err = e.svc.CheckLogsAndAlert(ctx, service.LogCheckOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// The system whose only event was deleted is named too: no sealed
		// event in the audit trail records its row any more.
		var missing, forged, unrecorded bool
		for _, f := range rep.Findings {
			missing = missing || (f.RecordID == evs[0].ID && strings.Contains(f.Detail, "deleted"))
			forged = forged || (f.RecordID == "forged-event" && strings.Contains(f.Detail, "not in the log"))
			unrecorded = unrecorded || (f.RecordID == other && strings.Contains(f.Detail, "no sealed audit event"))
		}
		if !missing || !forged || !unrecorded || rep.NewAlerts != 3 {
			t.Errorf("deleted found %v, inserted found %v, system without event found %v, new alerts %d: %+v", missing, forged, unrecorded, rep.NewAlerts, rep.Findings)
		}
	})
}

// TestSignerRefusesWhatItCannotVouchFor changes the log's storage behind
// aims' back and checks that no checkpoint is signed over it.
func TestSignerRefusesWhatItCannotVouchFor(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, opts store.Options) {
		e := newLogEnv(t, opts)
		ctx := context.Background()
		before := e.checkpoint("admin")
		e.createSystem("admin", "Grows the log")
		bogus := "x'" + strings.Repeat("ab", 32) + "'"
		if opts.DatabaseURL != "" {
			bogus = `'\x` + strings.Repeat("ab", 32) + `'::bytea`
		}
		// A head whose root the stored hashes do not give.
		storetest.RawExec(t, opts, `UPDATE log_heads SET root = `+bogus+` WHERE org_id = '`+e.org.ID+`'`)
		err := e.svc.SignGrownLogs(ctx)
		if err == nil || !strings.Contains(err.Error(), "refused") || !strings.Contains(err.Error(), "head's root") {
			t.Fatalf("signing over a changed head: %v", err)
		}
		if got := e.checkpoint("admin"); got.Size != before.Size {
			t.Fatalf("a checkpoint of size %d was signed over a changed head", got.Size)
		}
		_, metrics := e.do("", http.MethodGet, "/metrics", "")
		if !bytes.Contains(metrics, []byte("aims_log_sign_refused_total 1")) {
			t.Errorf("/metrics does not count the refusal:\n%s", grepLines(metrics, "aims_log"))
		}
	})
}

// TestSignerRefusesAfterAForgedCheckpoint stores a checkpoint the log's key
// did not sign; the signer must not extend it.
func TestSignerRefusesAfterAForgedCheckpoint(t *testing.T) {
	e := newLogEnv(t, store.Options{SQLitePath: filepath.Join(t.TempDir(), "aims.db")})
	cp := e.checkpoint("admin")
	e.createSystem("admin", "Grows the log")
	e.createSystem("admin", "Grows it again")
	storetest.RawExec(t, e.opts, fmt.Sprintf(`INSERT INTO log_checkpoints (log_id, size, root, note, signed_at)
		SELECT log_id, %d, root, 'forged', '2020-01-01 00:00:00' FROM log_heads LIMIT 1`, cp.Size+1))
	err := e.svc.SignGrownLogs(context.Background())
	if err == nil || !strings.Contains(err.Error(), "does not verify") {
		t.Fatalf("signing after a forged checkpoint: %v", err)
	}
}

func grepLines(b []byte, substr string) string {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
