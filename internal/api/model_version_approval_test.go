package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
)

// TestModelVersionApproval: approving and deploying a model version is a
// recorded act with its evidence, refused to the system's owner (403),
// naming every missing field (422), refused from a wrong state (409),
// sealed in the audit trail, and followed at once by the edge
// authorization answer; an edit can no longer set approved or deployed,
// and another organization's model version answers 404.
func TestModelVersionApproval(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		owner := o.members[aims.RoleSystemOwner]
		sys := o.mustSystem(t, e.db, owner.ID)
		mv := o.mustModelVersion(t, e.db, sys.ID)
		base := "/api/v1/systems/" + sys.ID + "/model-versions/" + mv.ID
		mgr, ownerToken := o.tokens[aims.RoleAIMSManager], o.tokens[aims.RoleSystemOwner]
		act := func(status string) map[string]any {
			return map[string]any{"status": status, "evidence": "validation report VR-12",
				"acceptance_criteria": "MAE below 0.5 % on the March test set", "result": "MAE 0.41 %"}
		}
		post := func(token string, body any) *httptest.ResponseRecorder {
			return e.do(t, request{method: http.MethodPost, url: base + "/approvals", token: token, body: body})
		}
		if res := e.do(t, request{method: http.MethodPost, url: "/api/v1/systems/" + sys.ID + "/stage-transitions", token: o.tokens[aims.RoleAdmin],
			body: map[string]any{"to": "deployed", "override_reason": "the system's own gate is not under test here"}}); res.Code != http.StatusCreated {
			t.Fatalf("deploy the system: %d %s", res.Code, res.Body)
		}
		authorized := func() bool {
			t.Helper()
			res := e.do(t, request{method: http.MethodGet, url: "/api/v1/systems/" + sys.ID + "/authorization?model_version=" + url.QueryEscape(mv.Version), token: mgr})
			var a aims.Authorization
			decode(t, res, &a)
			return a.Authorized
		}

		if res := post(ownerToken, act("approved")); res.Code != http.StatusForbidden {
			t.Fatalf("the system's owner approved: %d %s", res.Code, res.Body)
		}
		res := post(mgr, map[string]any{"status": "released", "evidence": " "})
		if res.Code != http.StatusUnprocessableEntity {
			t.Fatalf("blank act: %d %s", res.Code, res.Body)
		}
		wantPointers("/acceptance_criteria", "/evidence", "/result", "/status")(t, res)
		if res := post(mgr, act("deployed")); res.Code != http.StatusConflict {
			t.Fatalf("deploying a candidate: %d %s", res.Code, res.Body)
		}
		if authorized() {
			t.Fatal("a candidate is authorized at the edge")
		}

		// Issue 17: by default the version's gates ask for acceptance
		// criteria met and a validation report: the act is refused with
		// each failing check.
		res = post(mgr, act("approved"))
		if res.Code != http.StatusConflict {
			t.Fatalf("approve without passing the gates: %d %s", res.Code, res.Body)
		}
		wantPointers("/gate/metrics_meet_criteria", "/gate/evidence")(t, res)
		if res := post(mgr, map[string]any{"status": "approved", "evidence": "VR", "acceptance_criteria": "c", "result": "r",
			"override_reason": "trust me"}); res.Code != http.StatusForbidden {
			t.Fatalf("a manager overrides a gate: %d %s", res.Code, res.Body)
		}
		o.mustApproverGates(t, e)
		res = post(mgr, act("approved"))
		if res.Code != http.StatusOK {
			t.Fatalf("approve: %d %s", res.Code, res.Body)
		}
		var got aims.ModelVersion
		decode(t, res, &got)
		if got.Status != aims.ModelApproved || len(got.Approvals) != 1 {
			t.Fatalf("after approval: %+v", got)
		}
		a := got.Approvals[0]
		if a.Status != aims.ModelApproved || a.Evidence != "validation report VR-12" || a.Result != "MAE 0.41 %" ||
			a.ApprovedBy != o.members[aims.RoleAIMSManager].ID || a.ApprovedByName == "" || a.ApprovedAt.IsZero() {
			t.Errorf("approval = %+v", a)
		}
		if !authorized() {
			t.Error("an approved model version is not authorized at the edge")
		}
		if res := post(mgr, act("approved")); res.Code != http.StatusConflict {
			t.Errorf("approving twice: %d %s", res.Code, res.Body)
		}

		// The act is sealed in the audit trail with what it rested on.
		ev := e.do(t, request{method: http.MethodGet, url: "/api/v1/audit-events?entity_id=" + mv.ID, token: o.tokens[aims.RoleAuditor]})
		var events struct{ Items []aims.AuditEvent }
		decode(t, ev, &events)
		if len(events.Items) == 0 || !strings.Contains(string(events.Items[0].After), `"evidence":"validation report VR-12"`) ||
			!strings.Contains(string(events.Items[0].After), `"status":"approved"`) {
			t.Errorf("audit events = %d, newest after %s", len(events.Items), firstAfter(events.Items))
		}

		// An edit neither deploys nor undoes the approval.
		for _, status := range []string{"deployed", "candidate"} {
			res := e.do(t, request{method: http.MethodPatch, url: base, token: mgr, body: map[string]any{"status": status}})
			if res.Code != http.StatusUnprocessableEntity {
				t.Errorf("PATCH status %s: %d %s", status, res.Code, res.Body)
			}
		}
		create := e.do(t, request{method: http.MethodPost, url: "/api/v1/systems/" + sys.ID + "/model-versions", token: mgr,
			body: map[string]any{"version": "9.9", "digest": validDigest, "status": "deployed"}})
		if create.Code != http.StatusUnprocessableEntity {
			t.Errorf("registering as deployed: %d %s", create.Code, create.Body)
		}

		if res := post(mgr, act("deployed")); res.Code != http.StatusOK {
			t.Fatalf("deploy: %d %s", res.Code, res.Body)
		}
		decode(t, e.do(t, request{method: http.MethodGet, url: base, token: ownerToken}), &got)
		if got.Status != aims.ModelDeployed || got.DeployedAt == nil || len(got.Approvals) != 2 || got.Approvals[1].Status != aims.ModelDeployed {
			t.Errorf("after deployment: status %s, deployed at %v, %d acts", got.Status, got.DeployedAt, len(got.Approvals))
		}

		// Another organization's manager cannot approve it, nor learn that it exists.
		other := e.orgs["b"]
		res = e.do(t, request{method: http.MethodPost, url: base + "/approvals", token: other.tokens[aims.RoleAIMSManager], body: act("approved")})
		if res.Code != http.StatusNotFound {
			t.Errorf("another organization: %d %s", res.Code, res.Body)
		}
	})
}

func firstAfter(evs []aims.AuditEvent) string {
	if len(evs) == 0 {
		return ""
	}
	b, _ := json.Marshal(evs[0].After)
	return string(b)
}
