package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// wantDetail checks a problem's detail.
func wantDetail(part string) func(t *testing.T, res *httptest.ResponseRecorder) {
	return func(t *testing.T, res *httptest.ResponseRecorder) {
		t.Helper()
		if p := decodeProblem(t, res); !strings.Contains(p.Detail, part) {
			t.Errorf("detail %q, want it to say %q", p.Detail, part)
		}
	}
}

// TestBadInput covers the list of bad input, each answered with a
// problem+json of the right status that names what to fix.
func TestBadInput(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		taken := o.mustSystem(t, e.db, o.Admin.ID)
		othersSystem := o.mustSystem(t, e.db, o.members[aims.RoleContributor].ID)
		ownedByOwner := o.mustSystem(t, e.db, o.members[aims.RoleSystemOwner].ID)
		foreign := e.orgs["b"].mustSystem(t, e.db, e.orgs["b"].Admin.ID)
		const unknownID = "01900000-0000-7000-8000-000000000000"
		mvURL := "/api/v1/systems/" + taken.ID + "/model-versions"
		validSystem := func(changes map[string]any) map[string]any {
			b := map[string]any{"name": unique("Valid"), "purpose": "Test", "operator_roles": []string{"deployer"},
				"lifecycle_stage": "idea", "autonomy": "advisory"}
			for k, v := range changes {
				b[k] = v
			}
			return b
		}
		admin := aims.RoleAdmin
		e.run(t, []scenario{
			{name: "missing fields", role: admin, method: http.MethodPost, url: "/api/v1/systems", body: map[string]any{},
				wantStatus: 422, check: wantPointers("/autonomy", "/lifecycle_stage", "/name", "/operator_roles", "/purpose")},
			{name: "invalid fields", role: admin, method: http.MethodPost, url: "/api/v1/systems",
				body: map[string]any{"name": strings.Repeat("n", 201), "purpose": "Test", "operator_roles": []string{"deployer", "seller"},
					"lifecycle_stage": "launched", "autonomy": "advisory", "impact_domains": []string{"safety", "safety"}, "in_scope": false},
				wantStatus: 422, check: wantPointers("/impact_domains/1", "/lifecycle_stage", "/name", "/operator_roles/1", "/scope_justification")},
			{name: "invalid fields in a change", role: admin, method: http.MethodPatch, url: "/api/v1/systems/" + taken.ID,
				body: map[string]any{"name": "", "autonomy": "sometimes"}, wantStatus: 422, check: wantPointers("/autonomy", "/name")},
			{name: "wrong type", role: admin, method: http.MethodPost, url: "/api/v1/systems", body: validSystem(map[string]any{"in_scope": "yes"}),
				wantStatus: 422, check: wantPointers("/in_scope")},
			{name: "unknown field", role: admin, method: http.MethodPost, url: "/api/v1/systems", body: validSystem(map[string]any{"colour": "red"}),
				wantStatus: 422, check: wantPointers("/colour")},
			{name: "unknown field in a change", role: admin, method: http.MethodPatch, url: "/api/v1/systems/" + taken.ID,
				body: map[string]any{"owner": "someone"}, wantStatus: 422, check: wantPointers("/owner")},
			{name: "unknown filter value", role: admin, method: http.MethodGet, url: "/api/v1/systems?lifecycle_stage=launched",
				wantStatus: 422, check: func(t *testing.T, res *httptest.ResponseRecorder) {
					p := decodeProblem(t, res)
					if len(p.Errors) != 1 || p.Errors[0].Parameter != "lifecycle_stage" {
						t.Errorf("errors %+v, want the parameter lifecycle_stage", p.Errors)
					}
				}},
			{name: "duplicate system name, any case", role: admin, method: http.MethodPost, url: "/api/v1/systems",
				body: validSystem(map[string]any{"name": strings.ToUpper(taken.Name)}), wantStatus: 409, check: wantPointers("/name")},
			{name: "duplicate name by a change", role: admin, method: http.MethodPatch, url: "/api/v1/systems/" + othersSystem.ID,
				body: map[string]any{"name": taken.Name}, wantStatus: 409, check: wantPointers("/name")},
			{name: "unknown id", role: admin, method: http.MethodGet, url: "/api/v1/systems/" + unknownID, wantStatus: 404, check: wantDetail("not found")},
			{name: "unknown id in a change", role: admin, method: http.MethodPatch, url: "/api/v1/systems/" + unknownID,
				body: map[string]any{"description": "x"}, wantStatus: 404, check: wantDetail("not found")},
			{name: "id of another organization", role: admin, method: http.MethodGet, url: "/api/v1/systems/" + foreign.ID, wantStatus: 404, check: wantDetail("not found")},
			{name: "not an id at all", role: admin, method: http.MethodGet, url: "/api/v1/datasets/not-an-id", wantStatus: 404, check: wantDetail("not found")},
			{name: "viewer creates a system", role: aims.RoleViewer, method: http.MethodPost, url: "/api/v1/systems", body: validSystem(nil), wantStatus: 403},
			{name: "auditor changes a system", role: aims.RoleAuditor, method: http.MethodPatch, url: "/api/v1/systems/" + taken.ID,
				body: map[string]any{"description": "x"}, wantStatus: 403},
			{name: "system owner changes another's system", role: aims.RoleSystemOwner, method: http.MethodPatch, url: "/api/v1/systems/" + othersSystem.ID,
				body: map[string]any{"description": "x"}, wantStatus: 403, check: wantDetail("owner")},
			{name: "system owner deletes another's system", role: aims.RoleSystemOwner, method: http.MethodDelete, url: "/api/v1/systems/" + othersSystem.ID, wantStatus: 403},
			{name: "system owner registers a system for someone else", role: aims.RoleSystemOwner, method: http.MethodPost, url: "/api/v1/systems",
				body: validSystem(map[string]any{"owner_id": o.Admin.ID}), wantStatus: 403},
			{name: "system owner changes their own system", role: aims.RoleSystemOwner, method: http.MethodPatch, url: "/api/v1/systems/" + ownedByOwner.ID,
				body: map[string]any{"description": "mine"}, wantStatus: 200},
			{name: "contributor adds a user", role: aims.RoleContributor, method: http.MethodPost, url: "/api/v1/users",
				body: map[string]any{"email": newMemberEmail(), "name": "X", "role": "admin", "password": "a long enough password"}, wantStatus: 403},
			{name: "manager makes a token", role: aims.RoleAIMSManager, method: http.MethodPost, url: "/api/v1/tokens", body: map[string]any{"name": "x"}, wantStatus: 403},
			{name: "malformed JSON", role: admin, method: http.MethodPost, url: "/api/v1/systems", body: `{"name": "x",`,
				wantStatus: 400, check: wantDetail("not valid JSON")},
			{name: "malformed JSON in a change", role: admin, method: http.MethodPatch, url: "/api/v1/systems/" + taken.ID, body: `{'name': 'x'}`, wantStatus: 400},
			{name: "two JSON values", role: admin, method: http.MethodPost, url: "/api/v1/datasets", body: `{"name": "x"} {"name": "y"}`, wantStatus: 400},
			{name: "JSON body over 1 MiB", role: admin, method: http.MethodPost, url: "/api/v1/systems",
				body: `{"name": "big", "description": "` + strings.Repeat("x", 1<<20) + `"}`, wantStatus: 413, check: wantDetail("1 MiB")},
			{name: "JSON body of nearly 1 MiB is read", role: admin, method: http.MethodPost, url: "/api/v1/systems",
				body: `{"name": "big", "description": "` + strings.Repeat("x", 1<<20-100) + `"}`, wantStatus: 422, check: wantPointers("/autonomy", "/description", "/lifecycle_stage", "/operator_roles", "/purpose")},
			{name: "digest too short", role: admin, method: http.MethodPost, url: mvURL, body: map[string]any{"version": "1", "digest": validDigest[:63]},
				wantStatus: 422, check: wantPointers("/digest")},
			{name: "digest not hexadecimal", role: admin, method: http.MethodPost, url: mvURL, body: map[string]any{"version": "1", "digest": strings.Repeat("g", 64)},
				wantStatus: 422, check: wantPointers("/digest")},
			{name: "digest too long", role: admin, method: http.MethodPost, url: mvURL, body: map[string]any{"version": "1", "digest": validDigest + "0"},
				wantStatus: 422, check: wantPointers("/digest")},
			{name: "digest missing", role: admin, method: http.MethodPost, url: mvURL, body: map[string]any{"version": "1"},
				wantStatus: 422, check: wantPointers("/digest")},
			{name: "digest with sha256 prefix, upper case", role: admin, method: http.MethodPost, url: mvURL,
				body: map[string]any{"version": "1", "digest": "sha256:" + strings.ToUpper(validDigest)}, wantStatus: 201,
				check: func(t *testing.T, res *httptest.ResponseRecorder) {
					var m aims.ModelVersion
					decode(t, res, &m)
					if m.Digest != validDigest {
						t.Errorf("digest stored as %q, want %q", m.Digest, validDigest)
					}
				}},
			{name: "digest changed to a bad one", role: admin, method: http.MethodPatch, url: mvURL + "/" + o.mustModelVersion(t, e.db, taken.ID).ID,
				body: map[string]any{"digest": "abc"}, wantStatus: 422, check: wantPointers("/digest")},
			{name: "no token", method: http.MethodGet, url: "/api/v1/systems", wantStatus: 401},
		})
	})
}

// TestRevokedToken checks that a revoked token is refused at once with 401.
func TestRevokedToken(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		secret := o.mustToken(t, e.svc, o.members[aims.RoleContributor], "pipeline")
		me := request{method: http.MethodGet, url: "/api/v1/me", token: secret}
		if res := e.do(t, me); res.Code != http.StatusOK {
			t.Fatalf("before revoking: status %d; body: %s", res.Code, res.Body)
		}
		var toks listPage[aims.Token]
		decode(t, e.do(t, request{method: http.MethodGet, url: "/api/v1/tokens?user_id=" + o.members[aims.RoleContributor].ID, token: o.tokens[aims.RoleAdmin]}), &toks)
		var id string
		for _, tok := range toks.Items {
			if tok.Name == "pipeline" {
				id = tok.ID
			}
		}
		if res := e.do(t, request{method: http.MethodDelete, url: "/api/v1/tokens/" + id, token: o.tokens[aims.RoleAdmin]}); res.Code != http.StatusNoContent {
			t.Fatalf("revoke %q: status %d; body: %s", id, res.Code, res.Body)
		}
		res := e.do(t, me)
		if res.Code != http.StatusUnauthorized {
			t.Fatalf("after revoking: status %d, want 401; body: %s", res.Code, res.Body)
		}
		if p := decodeProblem(t, res); !strings.Contains(p.Detail, "revoked") {
			t.Errorf("detail %q, want it to say the token may be revoked", p.Detail)
		}
		for _, bad := range []string{"aims_not-a-real-token", secret + "x"} {
			if res := e.do(t, request{method: http.MethodGet, url: "/api/v1/me", token: bad}); res.Code != http.StatusUnauthorized {
				t.Errorf("token %q: status %d, want 401", bad, res.Code)
			}
		}
	})
}

// TestWrongPassword checks that a wrong password gets the same answer as an
// unknown account, from the service and from the sign-in page, so that
// neither reveals who has an account.
func TestWrongPassword(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		const password = "correct horse battery"
		ctx := service.OperatorContext(context.Background(), o.Org, "test")
		if _, err := e.svc.AddMember(ctx, aims.NewMember{Email: "ada@a.test", Name: "Ada", Role: aims.RoleViewer, Password: password}); err != nil {
			t.Fatal(err)
		}

		_, wrong := e.svc.Login(context.Background(), "ada@a.test", "not the password", "192.0.2.1")
		_, unknown := e.svc.Login(context.Background(), "nobody@a.test", "not the password", "192.0.2.1")
		if wrong == nil || unknown == nil || wrong.Error() != unknown.Error() || aims.KindOf(wrong) != aims.KindOf(unknown) {
			t.Errorf("service: wrong password gives %v (%s), unknown account %v (%s); want the same answer",
				wrong, aims.KindOf(wrong), unknown, aims.KindOf(unknown))
		}
		if _, err := e.svc.Login(context.Background(), "ADA@a.test", password, "192.0.2.1"); err != nil {
			t.Fatalf("the right password is refused: %v", err)
		}

		login := func(email, pw string) (int, string) {
			form := url.Values{"email": {email}, "password": {pw}}
			req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.RemoteAddr = "192.0.2.2:1234"
			rec := httptest.NewRecorder()
			e.srv.Handler().ServeHTTP(rec, req)
			return rec.Code, strings.ReplaceAll(rec.Body.String(), email, "EMAIL")
		}
		wrongStatus, wrongPage := login("ada@a.test", "not the password")
		unknownStatus, unknownPage := login("nobody@a.test", "not the password")
		if wrongStatus != unknownStatus || wrongStatus != http.StatusUnauthorized {
			t.Errorf("sign-in page: wrong password %d, unknown account %d; want 401 for both", wrongStatus, unknownStatus)
		}
		if !strings.Contains(wrongPage, service.ErrBadCredentials.Message) {
			t.Errorf("sign-in page does not say %q:\n%s", service.ErrBadCredentials.Message, wrongPage)
		}
		if wrongPage != unknownPage {
			t.Errorf("sign-in page differs between a wrong password and an unknown account:\n%s\n---\n%s", wrongPage, unknownPage)
		}
		if status, _ := login("ada@a.test", password); status != http.StatusSeeOther {
			t.Errorf("sign-in with the right password: status %d, want 303", status)
		}
	})
}
