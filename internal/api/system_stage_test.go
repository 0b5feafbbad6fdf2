package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
)

// TestSystemStageAct: a PATCH of the stage is 409 naming the act and the
// gate; the act into deployed with failing checks is 409 listing each as
// gate/<kind>; an admin's override needs a reason (422 without), anyone
// else's is 403; another organization's system is 404; the override is in
// the system's JSON and its CSV export.
func TestSystemStageAct(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		owner := o.members[aims.RoleSystemOwner]
		sys := o.mustSystem(t, e.db, owner.ID)
		url := "/api/v1/systems/" + sys.ID
		admin, mgr := o.tokens[aims.RoleAdmin], o.tokens[aims.RoleAIMSManager]
		pointers := func(p problem) string {
			var out []string
			for _, x := range p.Errors {
				out = append(out, x.Pointer)
			}
			return strings.Join(out, " ")
		}

		res := e.do(t, request{method: http.MethodPatch, url: url, token: admin, body: map[string]any{"lifecycle_stage": "deployed"}})
		if p := decodeProblem(t, res); res.Code != http.StatusConflict || pointers(p) != "/lifecycle_stage" ||
			!strings.Contains(p.Errors[0].Detail, "system_deployment") || !strings.Contains(p.Errors[0].Detail, "stage-transitions") {
			t.Fatalf("PATCH the stage: %d %s", res.Code, res.Body)
		}
		act := func(token string, body map[string]any) *request {
			return &request{method: http.MethodPost, url: url + "/stage-transitions", token: token, body: body}
		}
		res = e.do(t, *act(mgr, map[string]any{"to": "deployed"}))
		if p := decodeProblem(t, res); res.Code != http.StatusConflict ||
			pointers(p) != "/gate/impact_current /gate/classification_recorded" || !strings.Contains(p.Detail, "system deployment gate") {
			t.Fatalf("deploy with failing checks: %d %s", res.Code, res.Body)
		}
		if res := e.do(t, *act(mgr, map[string]any{"to": "deployed", "override_reason": "urgent"})); res.Code != http.StatusForbidden {
			t.Errorf("a manager overrides: %d %s", res.Code, res.Body)
		}
		if res := e.do(t, *act(admin, map[string]any{"to": "deployed", "override_reason": "  "})); res.Code != http.StatusConflict {
			t.Errorf("an admin without a reason: %d %s, want the gate's 409", res.Code, res.Body)
		}
		if res := e.do(t, *act(admin, map[string]any{"to": "retired", "override_reason": "no gate here"})); res.Code != http.StatusUnprocessableEntity {
			t.Errorf("a reason for an ungated move: %d %s", res.Code, res.Body)
		}
		if res := e.do(t, *act(admin, map[string]any{"to": "launched"})); res.Code != http.StatusUnprocessableEntity {
			t.Errorf("an unknown stage: %d %s", res.Code, res.Body)
		}
		b := e.orgs["b"]
		if res := e.do(t, *act(b.tokens[aims.RoleAdmin], map[string]any{"to": "deployed", "override_reason": "x"})); res.Code != http.StatusNotFound {
			t.Errorf("another organization: %d %s", res.Code, res.Body)
		}
		res = e.do(t, *act(admin, map[string]any{"to": "deployed", "override_reason": "commissioned before aims", "comment": "go-live"}))
		if res.Code != http.StatusCreated {
			t.Fatalf("admin override: %d %s", res.Code, res.Body)
		}
		var got aims.AISystem
		decode(t, e.do(t, request{method: http.MethodGet, url: url, token: o.tokens[aims.RoleViewer]}), &got)
		if got.LifecycleStage != aims.StageDeployed || got.GateOverride == nil || got.GateOverride.Reason != "commissioned before aims" {
			t.Fatalf("system JSON after the override: %+v", got)
		}
		var acts []aims.StageTransition
		decode(t, e.do(t, request{method: http.MethodGet, url: url + "/stage-transitions", token: o.tokens[aims.RoleViewer]}), &acts)
		if len(acts) != 1 || acts[0].OverrideReason != "commissioned before aims" || acts[0].Gate != "system_deployment" || len(acts[0].Checks) == 0 {
			t.Errorf("acts: %+v", acts)
		}
		csv := e.do(t, request{method: http.MethodGet, url: "/api/v1/systems/export.csv", token: o.tokens[aims.RoleAuditor]})
		if csv.Code != http.StatusOK || !strings.Contains(csv.Body.String(), "gate_override") || !strings.Contains(csv.Body.String(), "commissioned before aims (") {
			t.Errorf("CSV export: %d %s", csv.Code, csv.Body)
		}
		// The owner suspends in one act.
		if res := e.do(t, *act(o.tokens[aims.RoleSystemOwner], map[string]any{"to": "suspended"})); res.Code != http.StatusCreated {
			t.Errorf("owner suspends: %d %s", res.Code, res.Body)
		}
	})
}
