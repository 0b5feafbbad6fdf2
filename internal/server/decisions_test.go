package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
)

// event is a decision event line for the gateway gw.
func event(seq int, version string, at time.Time, extra string) string {
	return fmt.Sprintf(`{"model_version":%q,"source":"gw-7","seq":%d,"source_time":%q,"inputs":{"TT-101 torque":%d.5,"MT-301 moisture":12},"output":{"value":%d,"unit":"%%"}%s}`,
		version, seq, at.UTC().Format(time.RFC3339Nano), 40+seq%5, 40+seq%7, extra)
}

// decisionSetup makes a deployed system with an approved model version 2.0,
// another system, and a gateway token limited to the first.
func decisionSetup(t *testing.T, e *logEnv) (sysID, otherID string) {
	t.Helper()
	status, body := e.do("admin", http.MethodPost, "/api/v1/systems",
		`{"name":"Setpoint optimizer","purpose":"Optimizes dryer setpoints","operator_roles":["deployer"],"lifecycle_stage":"deployed","autonomy":"human_override","impact_domains":["quality"]}`)
	if status != http.StatusCreated {
		t.Fatalf("create system: %d %s", status, body)
	}
	var sys struct{ ID string }
	_ = json.Unmarshal(body, &sys)
	st, b := e.do("admin", http.MethodPost, "/api/v1/systems/"+sys.ID+"/model-versions",
		`{"version":"2.0","digest":"`+strings.Repeat("ab", 32)+`","status":"validated"}`)
	if st != http.StatusCreated {
		t.Fatalf("create model version: %d %s", st, b)
	}
	var mv struct{ ID string }
	_ = json.Unmarshal(b, &mv)
	if st, b := e.do("admin", http.MethodPost, "/api/v1/systems/"+sys.ID+"/model-versions/"+mv.ID+"/approvals",
		`{"status":"approved","evidence":"VR-2","acceptance_criteria":"MAE < 1","result":"MAE 0.7"}`); st != http.StatusOK {
		t.Fatalf("approve model version: %d %s", st, b)
	}
	otherID = e.createSystem("admin", "Other system")
	m, err := e.svc.AddMember(e.octx, aims.NewMember{Email: "gw7@acme.test", Name: "Gateway 7", Role: aims.RoleContributor, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := e.svc.CreateToken(e.octx, aims.NewToken{UserID: m.ID, Name: "gw-7",
		Scopes: []string{aims.ScopeDecisionsWrite, aims.ScopeAuthorizationRead}, Systems: []string{sys.ID}})
	if err != nil {
		t.Fatal(err)
	}
	e.tokens["gateway"] = secret
	return sys.ID, otherID
}

func (e *logEnv) doType(who, method, path, contentType, body string) (int, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+e.tokens[who])
	req.Header.Set("Content-Type", contentType)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// TestDecisionIngestionEndToEnd posts decisions as an edge gateway would,
// one at a time and in NDJSON batches with bad lines and duplicates, and
// checks every acknowledged event against a signed checkpoint with
// sumdb/note and transparency-dev/merkle's verifier.
func TestDecisionIngestionEndToEnd(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, opts store.Options) {
		e := newLogEnv(t, opts)
		sysID, otherID := decisionSetup(t, e)
		path := "/api/v1/systems/" + sysID + "/decisions"
		now := time.Now()

		var first aims.DecisionAck
		status, body := e.doType("gateway", http.MethodPost, path, "application/json", event(1, "2.0", now, ""))
		if status != http.StatusCreated {
			t.Fatalf("one event: %d %s", status, body)
		}
		_ = json.Unmarshal(body, &first)
		if first.ID == "" || first.Duplicate || first.ClockSkew || first.UnknownModelVersion {
			t.Fatalf("ack %+v", first)
		}
		// The same (source, seq) again: the first answer, nothing stored twice.
		var again aims.DecisionAck
		status, body = e.doType("gateway", http.MethodPost, path, "application/json", event(1, "2.0", now, ""))
		_ = json.Unmarshal(body, &again)
		if status != http.StatusOK || !again.Duplicate || again.ID != first.ID || again.LogIndex != first.LogIndex {
			t.Fatalf("duplicate: %d %+v, want 200 with %+v", status, again, first)
		}

		batch := strings.Join([]string{
			event(2, "2.0", now, ``),
			`{"model_version":"2.0","source":"gw-7"`, // line 2: cut short
			event(3, "9.9", now, ``),                 // unknown model version: stored and flagged
			event(4, "2.0", now, `,"colour":"red"`),  // line 4: unknown field
			event(1, "2.0", now, ``),                 // duplicate of the first
			``,                                       // blank lines are skipped
			event(5, "2.0", now.Add(-time.Hour), `,"human":{"action":"overridden","by":"operator Ana","at":"`+now.UTC().Format(time.RFC3339)+`","value":38}`),
			event(5, "2.0", now, ``), // duplicate within the batch
		}, "\n") + "\n"
		var res aims.DecisionBatchResult
		status, body = e.doType("gateway", http.MethodPost, path, "application/x-ndjson", batch)
		if status != http.StatusOK {
			t.Fatalf("batch: %d %s", status, body)
		}
		_ = json.Unmarshal(body, &res)
		if res.Stored != 3 || res.Duplicates != 2 || res.Rejected != 2 || len(res.Errors) != 2 || res.Errors[0].Line != 2 || res.Errors[1].Line != 4 {
			t.Fatalf("batch result %s", body)
		}
		if !strings.Contains(res.Errors[1].Detail, "colour") {
			t.Errorf("line 4 reason %q does not name the field", res.Errors[1].Detail)
		}
		acks := map[int]aims.DecisionAck{}
		for _, a := range res.Acks {
			acks[a.Line] = a
		}
		if !acks[3].UnknownModelVersion || !acks[7].ClockSkew || acks[5].ID != first.ID || !acks[8].Duplicate || acks[8].ID != acks[7].ID {
			t.Fatalf("acks %+v", res.Acks)
		}

		// Every acknowledged event verifies against a signed checkpoint.
		cp := e.checkpoint("admin")
		for _, a := range []aims.DecisionAck{first, acks[1], acks[3], acks[7]} {
			var d aims.Decision
			if st, b := e.do("admin", http.MethodGet, path+"/"+a.ID, ""); st != http.StatusOK {
				t.Fatalf("get decision: %d %s", st, b)
			} else {
				_ = json.Unmarshal(b, &d)
			}
			if ledger.SaltedDigest(d.Salt, d.Payload) != d.PayloadDigest {
				t.Errorf("decision %s: the payload does not match its salted digest", d.ID)
			}
			entry, err := ledger.EncodeDecision(e.org.ID, &d)
			if err != nil {
				t.Fatal(err)
			}
			var p struct{ Hashes [][]byte }
			st, b := e.do("admin", http.MethodGet, fmt.Sprintf("/api/v1/log/proofs/inclusion?index=%d&size=%d", d.LogIndex, cp.Size), "")
			if st != http.StatusOK {
				t.Fatalf("inclusion proof: %d %s", st, b)
			}
			_ = json.Unmarshal(b, &p)
			if err := proof.VerifyInclusion(rfc6962.DefaultHasher, d.LogIndex, cp.Size, rfc6962.DefaultHasher.HashLeaf(entry), p.Hashes, cp.Hash); err != nil {
				t.Errorf("decision %s at %d does not verify: %v", d.ID, d.LogIndex, err)
			}
		}
		var d7 aims.Decision
		_, b := e.do("admin", http.MethodGet, path+"/"+acks[7].ID, "")
		_ = json.Unmarshal(b, &d7)
		if !d7.ClockSkew || d7.SkewMS < 3500_000 || d7.Human != aims.HumanOverridden {
			t.Errorf("skewed, overridden decision stored as %+v", d7)
		}
		var list struct{ Total int }
		_, b = e.do("admin", http.MethodGet, path+"?human=overridden", "")
		_ = json.Unmarshal(b, &list)
		if list.Total != 1 {
			t.Errorf("overrides listed: %d, want 1", list.Total)
		}

		// The gateway's token does nothing else.
		for _, c := range []struct{ method, path string }{
			{http.MethodGet, "/api/v1/systems"},
			{http.MethodGet, path},
			{http.MethodGet, "/api/v1/systems/" + sysID},
			{http.MethodPost, "/api/v1/systems/" + sysID + "/suspend"},
			{http.MethodPost, "/api/v1/systems/" + otherID + "/decisions"},
			{http.MethodGet, "/api/v1/systems/" + otherID + "/authorization"},
		} {
			if st, b := e.doType("gateway", c.method, c.path, "application/json", event(99, "2.0", now, "")); st != http.StatusForbidden {
				t.Errorf("gateway token %s %s: %d %s, want 403", c.method, c.path, st, b)
			}
		}
		// Another organization's system is not found; a body over the limit is refused.
		if st, b := e.doType("other-org", http.MethodPost, path, "application/json", event(50, "2.0", now, "")); st != http.StatusNotFound {
			t.Errorf("another organization's system: %d %s, want 404", st, b)
		}
		big := event(51, "2.0", now, `,"attributes":{"blob":"`+strings.Repeat("x", aims.MaxDecisionEventBytes)+`"}`)
		if st, b := e.doType("gateway", http.MethodPost, path, "application/json", big); st != http.StatusRequestEntityTooLarge {
			t.Errorf("an event over 64 KiB: %d %s, want 413", st, b)
		}
		huge := strings.Repeat(event(52, "2.0", now, "")+"\n", 40<<20/150)
		if st, b := e.doType("gateway", http.MethodPost, path, "application/x-ndjson", huge); st != http.StatusRequestEntityTooLarge {
			t.Errorf("a batch over 32 MiB: %d %.200s, want 413", st, b)
		} else if !strings.Contains(string(b), "too large") {
			t.Errorf("a batch over 32 MiB is refused for another reason: %.300s", b)
		}

		// Erasure: the payload and salt go, the log still verifies, the
		// erasure is an audit event that holds none of the payload.
		if st, b := e.do("admin", http.MethodPost, path+"/"+acks[7].ID+"/erase", `{"reason":"request of operator Ana"}`); st != http.StatusOK {
			t.Fatalf("erase: %d %s", st, b)
		}
		_, b = e.do("admin", http.MethodGet, path+"/"+acks[7].ID, "")
		var erased aims.Decision
		_ = json.Unmarshal(b, &erased)
		if erased.Payload != nil || erased.Salt != nil || erased.ErasedAt == nil || erased.PayloadDigest != d7.PayloadDigest {
			t.Errorf("after erasure: %s", b)
		}
		_, b = e.do("admin", http.MethodGet, "/api/v1/audit-events?entity_id="+acks[7].ID, "")
		if !strings.Contains(string(b), `"entity_type":"decision"`) || strings.Contains(string(b), `"payload":`) || strings.Contains(string(b), `"salt":`) {
			t.Errorf("the erasure's audit event is missing or holds the payload: %s", b)
		}
		rep, err := e.svc.CheckLogs(e.octx, service.LogCheckOptions{})
		if err != nil || len(rep.Findings) > 0 {
			t.Errorf("log check after erasure: %v %+v", err, rep)
		}
		dir := t.TempDir()
		if _, err := e.svc.ExportLog(e.octx, dir, nil); err != nil {
			t.Fatal(err)
		}
		v, _ := note.NewVerifier(e.vkey)
		if _, err := ledger.VerifyBundle(t.Context(), dir, v, ledger.VerifyOptions{Full: true}); err != nil {
			t.Errorf("the exported log does not verify after an erasure: %v", err)
		}
	})
}

// TestStopAuthority suspends and resumes a system and one model version
// and checks what the gateway is told each time, and the history.
func TestStopAuthority(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, opts store.Options) {
		e := newLogEnv(t, opts)
		sysID, _ := decisionSetup(t, e)
		ask := func(version string) aims.Authorization {
			t.Helper()
			st, b := e.do("gateway", http.MethodGet, "/api/v1/systems/"+sysID+"/authorization?model_version="+version, "")
			if st != http.StatusOK {
				t.Fatalf("authorization: %d %s", st, b)
			}
			var a aims.Authorization
			_ = json.Unmarshal(b, &a)
			return a
		}
		if a := ask("2.0"); !a.Authorized {
			t.Fatalf("approved version of a deployed system: %+v", a)
		}
		if a := ask("sha256:" + strings.Repeat("ab", 32)); !a.Authorized || a.VersionStatus != aims.ModelApproved {
			t.Fatalf("by digest: %+v", a)
		}
		if a := ask("3.0"); a.Authorized || a.Code != aims.AuthzVersionUnknown {
			t.Errorf("unknown version: %+v", a)
		}
		if st, b := e.do("viewer", http.MethodPost, "/api/v1/systems/"+sysID+"/suspend", `{"reason":"x"}`); st != http.StatusForbidden {
			t.Errorf("a viewer suspends: %d %s", st, b)
		}
		if st, b := e.do("admin", http.MethodPost, "/api/v1/systems/"+sysID+"/suspend", `{"reason":"moisture readings drift"}`); st != http.StatusCreated {
			t.Fatalf("suspend: %d %s", st, b)
		}
		if a := ask("2.0"); a.Authorized || a.Code != aims.AuthzSystemSuspended || !strings.Contains(a.Reason, "moisture readings drift") {
			t.Errorf("suspended system: %+v", a)
		}
		if st, _ := e.do("admin", http.MethodPost, "/api/v1/systems/"+sysID+"/suspend", `{"reason":"again"}`); st != http.StatusConflict {
			t.Errorf("suspend twice: %d, want 409", st)
		}
		if st, b := e.do("admin", http.MethodPost, "/api/v1/systems/"+sysID+"/resume", `{"note":"probe replaced"}`); st != http.StatusOK {
			t.Fatalf("resume: %d %s", st, b)
		}
		if a := ask("2.0"); !a.Authorized {
			t.Errorf("resumed: %+v", a)
		}
		var versions struct{ Items []aims.ModelVersion }
		_, b := e.do("admin", http.MethodGet, "/api/v1/systems/"+sysID+"/model-versions", "")
		_ = json.Unmarshal(b, &versions)
		if st, b := e.do("admin", http.MethodPost, "/api/v1/systems/"+sysID+"/suspend", `{"reason":"bias found","model_version_id":"`+versions.Items[0].ID+`"}`); st != http.StatusCreated {
			t.Fatalf("suspend version: %d %s", st, b)
		}
		if a := ask("2.0"); a.Authorized || a.Code != aims.AuthzVersionSuspended {
			t.Errorf("suspended version: %+v", a)
		}
		if a := ask(""); !a.Authorized {
			t.Errorf("the system alone, with one version suspended: %+v", a)
		}
		var hist struct {
			Total int
			Items []aims.Suspension
		}
		_, b = e.do("viewer", http.MethodGet, "/api/v1/systems/"+sysID+"/suspensions", "")
		_ = json.Unmarshal(b, &hist)
		if hist.Total != 2 || hist.Items[1].ResumedAt == nil || hist.Items[1].ResumeNote != "probe replaced" || hist.Items[0].ModelVersion != "2.0" {
			t.Errorf("history: %s", b)
		}
		// A change made around this process (another replica, the
		// database) reaches the answers through the version poll.
		if st, b := e.do("admin", http.MethodPost, "/api/v1/systems/"+sysID+"/stage-transitions", `{"to":"retired"}`); st != http.StatusCreated {
			t.Fatalf("retire: %d %s", st, b)
		}
		if a := ask(""); a.Authorized || a.Code != aims.AuthzSystemNotDeployed {
			t.Errorf("retired system: %+v", a)
		}
	})
}
