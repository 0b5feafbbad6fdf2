package cli_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
)

// TestServeKeepsRecordsAcrossRestart boots the whole program on a temp data
// directory: an admin and a token made with the CLI, a system created and
// changed through the API, the server stopped gracefully and started again;
// the system is still there, and the audit trail has its create and update
// with before and after.
func TestServeKeepsRecordsAcrossRestart(t *testing.T) {
	dir := isolate(t)
	r := runAIMS(t, dir, "a long enough password\n", "user", "create", "--org", "acme", "--email", "admin@acme.test", "--name", "Admin", "--role", "admin")
	wantCode(t, r, 0, "user create")
	r = runAIMS(t, dir, "", "token", "create", "--email", "admin@acme.test", "--name", "e2e")
	wantCode(t, r, 0, "token create")
	out := r.stdout
	token := strings.TrimSpace(out)
	if strings.Count(out, "\n") != 1 || !strings.HasPrefix(token, "aims_") {
		t.Fatalf("token create printed %q, want the token alone on its line", out)
	}

	s := serve(t, "--data-dir", dir, "--log-level", "info")
	var sys aims.AISystem
	if st := call(t, http.MethodPost, s.url+"/api/v1/systems", token, map[string]any{"name": "Setpoint optimizer", "purpose": "Keeps the dewatering line's setpoint",
		"operator_roles": []string{"deployer"}, "lifecycle_stage": "development", "autonomy": "autonomous"}, &sys); st != http.StatusCreated {
		t.Fatalf("create system: status %d", st)
	}
	if st := call(t, http.MethodPost, s.url+"/api/v1/systems/"+sys.ID+"/stage-transitions", token,
		map[string]any{"to": "deployed", "override_reason": "commissioned before aims"}, nil); st != http.StatusCreated {
		t.Fatalf("update system: status %d", st)
	}
	s.shutdown(t)
	if !strings.Contains(s.logs.String(), "aims stopped") {
		t.Errorf("the log does not say the server stopped:\n%s", s.logs)
	}

	s = serve(t, "--data-dir", dir, "--log-level", "info")
	var got aims.AISystem
	if st := call(t, http.MethodGet, s.url+"/api/v1/systems/"+sys.ID, token, nil, &got); st != http.StatusOK {
		t.Fatalf("get system after restart: status %d", st)
	}
	if got.Name != "Setpoint optimizer" || got.LifecycleStage != aims.StageDeployed {
		t.Errorf("after restart: %q in stage %s, want Setpoint optimizer, deployed", got.Name, got.LifecycleStage)
	}
	var events struct {
		Items []aims.AuditEvent `json:"items"`
		Total int               `json:"total"`
	}
	if st := call(t, http.MethodGet, s.url+"/api/v1/audit-events?entity_id="+sys.ID, token, nil, &events); st != http.StatusOK {
		t.Fatalf("audit events: status %d", st)
	}
	if events.Total != 2 {
		t.Fatalf("audit events of the system: %d, want create and update", events.Total)
	}
	upd, cre := events.Items[0], events.Items[1]
	var before, after aims.AISystem
	if err := json.Unmarshal(upd.Before, &before); err != nil {
		t.Fatalf("update event before %s: %v", upd.Before, err)
	}
	if err := json.Unmarshal(upd.After, &after); err != nil {
		t.Fatalf("update event after %s: %v", upd.After, err)
	}
	if upd.Action != aims.ActionUpdate || before.LifecycleStage != aims.StageDevelopment || after.LifecycleStage != aims.StageDeployed {
		t.Errorf("update event %s: before %s, after %s", upd.Action, before.LifecycleStage, after.LifecycleStage)
	}
	if cre.Action != aims.ActionCreate || !strings.Contains(string(cre.After), `"name":"Setpoint optimizer"`) {
		t.Errorf("create event %s: after %s", cre.Action, cre.After)
	}

	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready", "/metrics": "aims_http_requests_total"} {
		if st, body := get(t, s.url+path); st != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("GET %s: status %d, body without %q:\n%.500s", path, st, want, body)
		}
	}
	if _, body := get(t, s.url+"/metrics"); !strings.Contains(body, `route="/api/v1/systems/{id}"`) {
		t.Errorf("/metrics has no requests by route:\n%.2000s", body)
	}
	s.shutdown(t)
	for _, line := range strings.Split(strings.TrimSpace(s.logs.String()), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("log line is not JSON: %s", line)
		}
	}
}

// TestFirstStartOffersSetup checks that a first start with no users says how
// to create the first admin: a one-time setup link that opens, and the CLI
// command.
func TestFirstStartOffersSetup(t *testing.T) {
	s := serve(t, "--data-dir", isolate(t))
	var setupURL string
	sc := bufio.NewScanner(strings.NewReader(s.logs.String()))
	for sc.Scan() {
		var line struct {
			Msg      string `json:"msg"`
			SetupURL string `json:"setup_url"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.SetupURL != "" {
			setupURL = line.SetupURL
			if !strings.Contains(line.Msg, "aims user create") {
				t.Errorf("the setup message does not name 'aims user create': %q", line.Msg)
			}
		}
	}
	if !strings.HasPrefix(setupURL, s.url+"/setup?token=") {
		t.Fatalf("no setup link for %s in the log:\n%s", s.url, s.logs)
	}
	if st, body := get(t, setupURL); st != http.StatusOK || !strings.Contains(body, "<form") {
		t.Errorf("GET the setup link: status %d\n%.1000s", st, body)
	}
	if st, _ := get(t, s.url+"/setup?token=wrong"); st != http.StatusNotFound {
		t.Errorf("GET a wrong setup link: status %d, want 404", st)
	}
}
