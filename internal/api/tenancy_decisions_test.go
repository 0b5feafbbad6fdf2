package api_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
)

// TestDecisionTenancy checks decisions and stop authority across
// organizations: every operation on another organization's system or
// decision answers 404 as an unknown id does, a token for another
// organization's system cannot be made, and nothing changed.
func TestDecisionTenancy(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		for _, pair := range [][2]string{{"a", "b"}, {"b", "a"}} {
			me, other := pair[0], pair[1]
			t.Run(me+" on "+other, func(t *testing.T) {
				o := e.orgs[other]
				sys := o.mustSystem(t, e.db, o.Admin.ID)
				id := o.mustDecision(t, e.svc, sys.ID)
				base := "/api/v1/systems/" + sys.ID
				notFound := func(name, method, url string, body any) scenario { return notFoundAs(me, name, method, url, body) }
				batch := notFound("post a batch", http.MethodPost, base+"/decisions", `{"source":"x"}`+"\n")
				batch.contentType = "application/x-ndjson"
				e.run(t, []scenario{
					notFound("post a decision", http.MethodPost, base+"/decisions", decisionEvent("1.0")),
					batch,
					notFound("list decisions", http.MethodGet, base+"/decisions", nil),
					notFound("export decisions", http.MethodGet, base+"/decisions/export.csv", nil),
					notFound("get a decision", http.MethodGet, base+"/decisions/"+id, nil),
					notFound("a decision's proof", http.MethodGet, base+"/decisions/"+id+"/proof", nil),
					notFound("a decision's payload", http.MethodGet, base+"/decisions/"+id+"/payload", nil),
					notFound("erase a decision", http.MethodPost, base+"/decisions/"+id+"/erase", map[string]any{"reason": "x"}),
					notFound("ask authorization", http.MethodGet, base+"/authorization", nil),
					notFound("suspend", http.MethodPost, base+"/suspend", map[string]any{"reason": "x"}),
					notFound("resume", http.MethodPost, base+"/resume", map[string]any{}),
					notFound("list suspensions", http.MethodGet, base+"/suspensions", nil),
					unprocessableAs(me, "a gateway token for the other's system", http.MethodPost, "/api/v1/tokens",
						map[string]any{"name": "steal", "scopes": []string{"decisions:write"}, "systems": []string{sys.ID}}, "/systems/0"),
				})
				e.run(t, []scenario{{name: "still one decision, not suspended", org: other, role: aims.RoleAdmin, method: http.MethodGet,
					url: base + "/decisions", wantStatus: http.StatusOK, check: func(t *testing.T, res *httptest.ResponseRecorder) {
						var p listPage[aims.Decision]
						decode(t, res, &p)
						if p.Total != 1 || p.Items[0].Payload == nil {
							t.Errorf("the other organization's decisions changed: %s", res.Body)
						}
					}}})
			})
		}
	})
}
