package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
)

// TestTenancy checks that one organization never sees another's records:
// lists leave them out, and their ids answer 404 to every operation, exactly
// as an unknown id does. Each organization is tried against the other, with
// an admin's token, which may do everything in its own organization.
func TestTenancy(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		for _, pair := range [][2]string{{"a", "b"}, {"b", "a"}} {
			me, other := pair[0], pair[1]
			t.Run(me+" on "+other, func(t *testing.T) {
				tenancyScenarios(t, e, me, other)
			})
		}
	})
}

// notFoundAs is a call by an admin of organization me that must get the
// answer of an unknown id.
func notFoundAs(me, name, method, url string, body any) scenario {
	return scenario{name: name, org: me, role: aims.RoleAdmin, method: method, url: url, body: body, wantStatus: http.StatusNotFound,
		check: func(t *testing.T, res *httptest.ResponseRecorder) {
			if p := decodeProblem(t, res); !strings.HasSuffix(p.Detail, "not found") {
				t.Errorf("detail %q, want the answer of an unknown id", p.Detail)
			}
		}}
}

// leaves checks that an answer names none of the other organization's ids
// (or texts).
func leaves(ids ...string) func(t *testing.T, res *httptest.ResponseRecorder) {
	return func(t *testing.T, res *httptest.ResponseRecorder) {
		for _, id := range ids {
			if strings.Contains(res.Body.String(), id) {
				t.Errorf("the answer shows %s of the other organization: %s", id, res.Body)
			}
		}
	}
}

// listAs is a read by an admin of organization me that must succeed and
// leave out ids.
func listAs(me, name, url string, ids ...string) scenario {
	return scenario{name: name, org: me, role: aims.RoleAdmin, method: http.MethodGet, url: url, wantStatus: http.StatusOK, check: leaves(ids...)}
}

// unprocessableAs is a write by an admin of organization me that names
// another organization's record, refused as invalid in field.
func unprocessableAs(me, name, method, url string, body any, field string) scenario {
	return scenario{name: name, org: me, role: aims.RoleAdmin, method: method, url: url, body: body,
		wantStatus: http.StatusUnprocessableEntity, check: wantPointers(field)}
}

func tenancyScenarios(t *testing.T, e *apiEnv, me, other string) {
	o := e.orgs[other]
	sys := o.mustSystem(t, e.db, o.Admin.ID)
	mv := o.mustModelVersion(t, e.db, sys.ID)
	ds := o.mustDataset(t, e.db)
	sp := o.mustSupplier(t, e.db)
	member := o.members[aims.RoleViewer]
	tokenID := o.mustTokenRecord(t, e.svc)
	mine := e.orgs[me].mustSystem(t, e.db, e.orgs[me].Admin.ID)

	notFound := func(name, method, url string, body any) scenario { return notFoundAs(me, name, method, url, body) }
	list := func(name, url string, ids ...string) scenario { return listAs(me, name, url, ids...) }
	systemURL := "/api/v1/systems/" + sys.ID
	mvURL := systemURL + "/model-versions/" + mv.ID
	unprocessable := func(name, url string, body any, field string) scenario {
		return unprocessableAs(me, name, http.MethodPost, url, body, field)
	}
	newSystem := func(field, value string) map[string]any {
		b := map[string]any{"name": unique("Cross"), "purpose": "Test", "operator_roles": []string{"deployer"},
			"lifecycle_stage": "idea", "autonomy": "advisory"}
		b[field] = value
		return b
	}

	e.run(t, []scenario{
		list("list systems", "/api/v1/systems?limit=500", sys.ID),
		list("search systems by the other's name", "/api/v1/systems?q="+strings.ReplaceAll(sys.Name, " ", "+"), sys.ID),
		notFound("get system", http.MethodGet, systemURL, nil),
		notFound("patch system", http.MethodPatch, systemURL, map[string]any{"name": "Taken over"}),
		notFound("delete system", http.MethodDelete, systemURL, nil),
		notFound("system governance", http.MethodGet, systemURL+"/governance", nil),
		notFound("set obligation status", http.MethodPut, systemURL+"/obligations", map[string]any{"article": "Art. 4", "status": "met"}),
		notFound("list model versions", http.MethodGet, systemURL+"/model-versions", nil),
		notFound("create model version", http.MethodPost, systemURL+"/model-versions", map[string]any{"version": "9", "digest": validDigest}),
		notFound("get model version", http.MethodGet, mvURL, nil),
		notFound("get model version through an own system", http.MethodGet, "/api/v1/systems/"+mine.ID+"/model-versions/"+mv.ID, nil),
		notFound("patch model version", http.MethodPatch, mvURL, map[string]any{"status": "retired"}),
		notFound("delete model version", http.MethodDelete, mvURL, nil),
		notFound("approve model version", http.MethodPost, mvURL+"/approvals",
			map[string]any{"status": "approved", "evidence": "VR-1", "acceptance_criteria": "MAE < 1", "result": "MAE 0.8"}),
		notFound("approve model version through an own system", http.MethodPost, "/api/v1/systems/"+mine.ID+"/model-versions/"+mv.ID+"/approvals",
			map[string]any{"status": "approved", "evidence": "VR-1", "acceptance_criteria": "MAE < 1", "result": "MAE 0.8"}),
		list("list datasets", "/api/v1/datasets?limit=500", ds.ID),
		notFound("get dataset", http.MethodGet, "/api/v1/datasets/"+ds.ID, nil),
		notFound("patch dataset", http.MethodPatch, "/api/v1/datasets/"+ds.ID, map[string]any{"name": "Taken over"}),
		notFound("delete dataset", http.MethodDelete, "/api/v1/datasets/"+ds.ID, nil),
		list("list suppliers", "/api/v1/suppliers?limit=500", sp.ID),
		notFound("get supplier", http.MethodGet, "/api/v1/suppliers/"+sp.ID, nil),
		notFound("patch supplier", http.MethodPatch, "/api/v1/suppliers/"+sp.ID, map[string]any{"name": "Taken over"}),
		notFound("delete supplier", http.MethodDelete, "/api/v1/suppliers/"+sp.ID, nil),
		list("list audit events", "/api/v1/audit-events?limit=500", sys.ID, mv.ID, ds.ID, sp.ID, tokenID, o.Admin.ID),
		{name: "audit events of the other's system", org: me, role: aims.RoleAdmin, method: http.MethodGet,
			url: "/api/v1/audit-events?entity_id=" + sys.ID, wantStatus: http.StatusOK,
			check: func(t *testing.T, res *httptest.ResponseRecorder) {
				var p listPage[aims.AuditEvent]
				decode(t, res, &p)
				if p.Total != 0 || len(p.Items) != 0 {
					t.Errorf("%d events (total %d) of the other organization's system, want none", len(p.Items), p.Total)
				}
			}},
		list("list members", "/api/v1/users?limit=500", member.ID, member.Email),
		notFound("get member", http.MethodGet, "/api/v1/users/"+member.ID, nil),
		notFound("patch member", http.MethodPatch, "/api/v1/users/"+member.ID, map[string]any{"role": "admin"}),
		list("list tokens", "/api/v1/tokens?include_revoked=true&limit=500", tokenID),
		notFound("revoke token", http.MethodDelete, "/api/v1/tokens/"+tokenID, nil),
		unprocessable("token for the other's member", "/api/v1/tokens", map[string]any{"name": "steal", "user_id": member.ID}, "/user_id"),
		unprocessable("system owned by the other's member", "/api/v1/systems", newSystem("owner_id", member.ID), "/owner_id"),
		unprocessable("system with the other's supplier", "/api/v1/systems", newSystem("supplier_id", sp.ID), "/supplier_id"),
		unprocessable("model version using the other's dataset", "/api/v1/systems/"+mine.ID+"/model-versions",
			map[string]any{"version": unique("v"), "digest": validDigest, "datasets": []map[string]string{{"dataset_id": ds.ID, "purpose": "training"}}},
			"/datasets/0/dataset_id"),
	})

	// Nothing the other organization tried changed these records.
	e.run(t, []scenario{
		{name: "system intact", org: other, role: aims.RoleAdmin, method: http.MethodGet, url: systemURL, wantStatus: http.StatusOK,
			check: func(t *testing.T, res *httptest.ResponseRecorder) {
				var got aims.AISystem
				decode(t, res, &got)
				if got.Name != sys.Name {
					t.Errorf("name %q, want %q", got.Name, sys.Name)
				}
			}},
		{name: "model version intact", org: other, role: aims.RoleAdmin, method: http.MethodGet, url: mvURL, wantStatus: http.StatusOK},
		{name: "dataset intact", org: other, role: aims.RoleAdmin, method: http.MethodGet, url: "/api/v1/datasets/" + ds.ID, wantStatus: http.StatusOK},
		{name: "supplier intact", org: other, role: aims.RoleAdmin, method: http.MethodGet, url: "/api/v1/suppliers/" + sp.ID, wantStatus: http.StatusOK},
		{name: "member intact", org: other, role: aims.RoleViewer, method: http.MethodGet, url: "/api/v1/me", wantStatus: http.StatusOK,
			check: func(t *testing.T, res *httptest.ResponseRecorder) {
				if !strings.Contains(res.Body.String(), `"role":"viewer"`) {
					t.Errorf("the member's role changed: %s", res.Body)
				}
			}},
	})
}
