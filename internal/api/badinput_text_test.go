package api_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
)

// wantParameter checks that a problem names exactly one query parameter.
func wantParameter(name string) func(t *testing.T, res *httptest.ResponseRecorder) {
	return func(t *testing.T, res *httptest.ResponseRecorder) {
		t.Helper()
		p := decodeProblem(t, res)
		if len(p.Errors) != 1 || p.Errors[0].Parameter != name {
			t.Errorf("errors %+v, want the parameter %s; body: %s", p.Errors, name, res.Body)
		}
	}
}

// TestNamesRefuseInvisibleAndControlCharacters: a NUL (which PostgreSQL
// cannot store), a bidirectional override or a zero-width character in a
// name is a 422 naming the field; a name that only looks different once
// case- and compatibility-folded is a 409; a NUL in a search is a 422 naming
// the parameter, not a search that matches everything.
func TestNamesRefuseInvisibleAndControlCharacters(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		taken := o.mustSystem(t, e.db, o.Admin.ID)
		system := func(name, purpose string) map[string]any {
			return map[string]any{"name": name, "purpose": purpose, "operator_roles": []string{"deployer"},
				"lifecycle_stage": "idea", "autonomy": "advisory"}
		}
		fullwidth := ""
		for _, r := range taken.Name {
			if r >= '!' && r <= '~' {
				r += 0xFEE0 // the fullwidth form of an ASCII letter or digit
			}
			fullwidth += string(r)
		}
		admin := aims.RoleAdmin
		scenarios := []scenario{
			{name: "NUL in a name", role: admin, method: http.MethodPost, url: "/api/v1/systems",
				body: system("Pump\x00control", "Test"), wantStatus: 422, check: wantPointers("/name")},
			{name: "right-to-left override in a name", role: admin, method: http.MethodPost, url: "/api/v1/systems",
				body: system("Pump \u202econtrol", "Test"), wantStatus: 422, check: wantPointers("/name")},
			{name: "zero-width space in a name", role: admin, method: http.MethodPost, url: "/api/v1/systems",
				body: system(taken.Name[:2]+"\u200b"+taken.Name[2:], "Test"), wantStatus: 422, check: wantPointers("/name")},
			{name: "NUL in prose", role: admin, method: http.MethodPost, url: "/api/v1/systems",
				body: system(unique("Prose"), "one\x00two"), wantStatus: 422, check: wantPointers("/purpose")},
			{name: "NUL in a change", role: admin, method: http.MethodPatch, url: "/api/v1/systems/" + taken.ID,
				body: map[string]any{"description": "x\x00"}, wantStatus: 422, check: wantPointers("/description")},
			{name: "NUL in a supplier's name", role: admin, method: http.MethodPost, url: "/api/v1/suppliers",
				body: map[string]any{"name": "Acme\x00", "supplies": []string{"model"}}, wantStatus: 422, check: wantPointers("/name")},
			{name: "line breaks in prose are fine", role: admin, method: http.MethodPost, url: "/api/v1/systems",
				body: system(unique("Prose"), "line one\nline two"), wantStatus: 201},
			{name: "fullwidth lookalike of a taken name", role: admin, method: http.MethodPost, url: "/api/v1/systems",
				body: system(fullwidth, "Test"), wantStatus: 409, check: wantPointers("/name")},
		}
		for _, u := range []string{"/api/v1/systems", "/api/v1/risks", "/api/v1/datasets", "/api/v1/suppliers",
			"/api/v1/lineage/tags", "/api/v1/lineage/features", "/api/v1/users"} {
			scenarios = append(scenarios, scenario{name: "NUL in the search of " + u, role: admin, method: http.MethodGet,
				url: u + "?q=%00", wantStatus: 422, check: wantParameter("q")})
		}
		e.run(t, scenarios)
	})
}
