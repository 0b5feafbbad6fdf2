package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/api"
	"github.com/aimsproject/aims/internal/service"
)

// /me tells a caller what it may do: a token limited to log:read may only
// read the log, whatever its member's role, and says so.
func TestMeShowsWhatTheCallerMayDo(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		me := func(token string) api.Me {
			t.Helper()
			res := e.do(t, request{method: http.MethodGet, url: "/api/v1/me", token: token})
			var m api.Me
			if res.Code != http.StatusOK || json.Unmarshal(res.Body.Bytes(), &m) != nil {
				t.Fatalf("/me: %d %s", res.Code, res.Body)
			}
			return m
		}
		full := me(o.tokens[aims.RoleAdmin])
		if !slices.Contains(full.Permissions, "manage_users") || full.Organization.Name != o.Org.Name || len(full.Scopes) != 0 {
			t.Errorf("admin token: %+v", full)
		}
		ctx := service.OperatorContext(context.Background(), o.Org, "test")
		secret, _, err := e.svc.CreateToken(ctx, aims.NewToken{UserID: o.Admin.ID, Name: "log reader", Scopes: []string{aims.ScopeLogRead}})
		if err != nil {
			t.Fatal(err)
		}
		scoped := me(secret)
		if !slices.Equal(scoped.Permissions, []string{"read_log"}) || !slices.Equal(scoped.Scopes, []string{aims.ScopeLogRead}) {
			t.Errorf("log:read token: permissions %v, scopes %v; want only read_log", scoped.Permissions, scoped.Scopes)
		}
		if full.Email != o.Admin.Email {
			t.Errorf("admin token: email %q, want %q", full.Email, o.Admin.Email)
		}
		// Finding (build item 7): a scoped token read its member's email.
		gateway, _, err := e.svc.CreateToken(ctx, aims.NewToken{UserID: o.Admin.ID, Name: "gateway",
			Scopes: []string{aims.ScopeDecisionsWrite, aims.ScopeAuthorizationRead}})
		if err != nil {
			t.Fatal(err)
		}
		for name, tok := range map[string]string{"log:read": secret, "gateway": gateway} {
			res := e.do(t, request{method: http.MethodGet, url: "/api/v1/me", token: tok})
			if strings.Contains(res.Body.String(), o.Admin.Email) || strings.Contains(res.Body.String(), `"email"`) {
				t.Errorf("%s token's /me shows the member's email: %s", name, res.Body)
			}
		}
	})
}
