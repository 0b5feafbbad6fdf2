package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

func TestAdminUsers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		for _, role := range []aims.Role{aims.RoleAIMSManager, aims.RoleViewer} {
			e.get(role, "/admin/users").want(t, http.StatusForbidden)
			e.post(role, "/admin/users/new", url.Values{"email": {"x@acme.test"}, "role": {"viewer"}}).want(t, http.StatusForbidden)
		}
		list := e.get(aims.RoleAdmin, "/admin/users").want(t, http.StatusOK)
		// Every role is explained.
		for _, r := range aims.RoleValues() {
			if !strings.Contains(text(query(t, list.doc, "section[aria-labelledby=roles]")), r.Description()) {
				t.Errorf("the role table does not explain %s", r)
			}
		}
		// An admin cannot disable themselves: no button for it.
		noMatch(t, list.doc, `form[action="/admin/users/`+e.org.Admin.ID+`/disable"]`)

		bad := e.post(aims.RoleAdmin, "/admin/users/new", url.Values{"email": {"not-an-email"}, "role": {"auditor"}}).
			want(t, http.StatusUnprocessableEntity)
		query(t, bad.doc, "input#email[aria-invalid=true]")
		query(t, bad.doc, "#email-error")
		query(t, bad.doc, "input#role-auditor[checked]")

		// An admin invites; the page shows the link once; the person
		// accepts it (a new account: name and password) and is a member.
		made := e.post(aims.RoleAdmin, "/admin/users/new", url.Values{"email": {"Rita@Acme.test"}, "role": {"auditor"}}).want(t, http.StatusOK)
		link := attr(query(t, made.doc, "input.invitation-link"), "value")
		_, token, ok := strings.Cut(link, "/invitation?token=")
		if !ok || token == "" {
			t.Fatalf("no invitation link on the page: %q", link)
		}
		list = e.get(aims.RoleAdmin, "/admin/users").want(t, http.StatusOK)
		query(t, list.doc, "table.invitations form[action$=revoke]")
		page := e.do(nil, http.MethodGet, "/invitation?token="+url.QueryEscape(token), nil, nil).want(t, http.StatusOK)
		query(t, page.doc, "input#password")
		e.do(nil, http.MethodPost, "/invitation", url.Values{"token": {token}, "name": {"Rita Auditor"}, "password": {"short"}}, nil).
			want(t, http.StatusUnprocessableEntity)
		e.do(nil, http.MethodPost, "/invitation", url.Values{"token": {token}, "name": {"Rita Auditor"}, "password": {"correct horse battery"}}, nil).
			want(t, http.StatusSeeOther)
		e.do(nil, http.MethodGet, "/invitation?token="+url.QueryEscape(token), nil, nil).want(t, http.StatusNotFound)
		ms, _, _ := e.svc.FindMembers(e.ctx(aims.RoleAdmin), aims.MemberFilter{Search: "rita"})
		if len(ms) != 1 || ms[0].Role != aims.RoleAuditor {
			t.Fatalf("added members = %+v", ms)
		}
		rita := ms[0]
		row := e.get(aims.RoleAdmin, "/admin/users?q=rita").want(t, http.StatusOK)
		query(t, row.doc, `select#role-`+rita.ID+` option[value=auditor][selected]`)

		e.post(aims.RoleAdmin, "/admin/users/"+rita.ID+"/role", url.Values{"role": {"contributor"}}).want(t, http.StatusSeeOther)
		e.post(aims.RoleAdmin, "/admin/users/"+rita.ID+"/disable", nil).want(t, http.StatusSeeOther)
		got, _ := e.svc.FindMemberByID(e.ctx(aims.RoleAdmin), rita.ID)
		if got.Role != aims.RoleContributor || !got.Disabled {
			t.Errorf("after changes: role %s, disabled %v", got.Role, got.Disabled)
		}
		query(t, e.get(aims.RoleAdmin, "/admin/users?q=rita").doc, `form[action="/admin/users/`+rita.ID+`/enable"] button`)

		// The last admin cannot be demoted: the page says why.
		refused := e.post(aims.RoleAdmin, "/admin/users/"+e.org.Admin.ID+"/role", url.Values{"role": {"viewer"}}).
			want(t, http.StatusConflict)
		if got := text(query(t, refused.doc, "[role=alert]")); !strings.Contains(got, "last admin") {
			t.Errorf("refusal = %q", got)
		}
		self := e.post(aims.RoleAdmin, "/admin/users/"+e.org.Admin.ID+"/disable", nil).want(t, http.StatusUnprocessableEntity)
		query(t, self.doc, "[role=alert]")
		// Another organization's member is not found.
		e.post(aims.RoleAdmin, "/admin/users/"+e.other.Admin.ID+"/role", url.Values{"role": {"viewer"}}).want(t, http.StatusNotFound)
	})
}

func TestAdminTokens(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		e.get(aims.RoleAIMSManager, "/admin/tokens").want(t, http.StatusForbidden)
		e.post(aims.RoleContributor, "/admin/tokens/new", url.Values{"name": {"CI"}}).want(t, http.StatusForbidden)

		bad := e.post(aims.RoleAdmin, "/admin/tokens/new", url.Values{"name": {""}, "user_id": {e.members[aims.RoleContributor].ID},
			"expires_on": {"2001-01-01"}}).want(t, http.StatusUnprocessableEntity)
		query(t, bad.doc, "input#name[aria-invalid=true]")
		query(t, bad.doc, "input#expires_on[aria-invalid=true]")

		created := e.post(aims.RoleAdmin, "/admin/tokens/new", url.Values{"name": {"CI pipeline"},
			"user_id": {e.members[aims.RoleContributor].ID}}).want(t, http.StatusCreated)
		if cc := created.header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("the secret's page may be cached: Cache-Control %q", cc)
		}
		secret := attr(query(t, created.doc, "input#token-secret[readonly]"), "value")
		p, err := e.svc.AuthenticateToken(context.Background(), secret)
		if err != nil || p.UserID != e.members[aims.RoleContributor].ID || p.Role != aims.RoleContributor {
			t.Fatalf("the shown token does not act as the contributor: %+v, %v", p, err)
		}
		list := e.get(aims.RoleAdmin, "/admin/tokens").want(t, http.StatusOK)
		if strings.Contains(list.body, secret) {
			t.Fatal("the token list shows the secret")
		}
		toks, _, _ := e.svc.FindTokens(e.ctx(aims.RoleAdmin), aims.TokenFilter{})
		if len(toks) != 1 {
			t.Fatalf("%d tokens", len(toks))
		}
		revokePath := "/admin/tokens/" + toks[0].ID + "/revoke"
		query(t, list.doc, `form[action="`+revokePath+`"] button`)
		e.post(aims.RoleAdmin, revokePath, nil).want(t, http.StatusSeeOther)
		if _, err := e.svc.AuthenticateToken(context.Background(), secret); !aims.IsKind(err, aims.KindUnauthenticated) {
			t.Errorf("a revoked token still works: %v", err)
		}
		noMatch(t, e.get(aims.RoleAdmin, "/admin/tokens").doc, "tbody tr")
		all := e.get(aims.RoleAdmin, "/admin/tokens?include_revoked=true").want(t, http.StatusOK)
		if got := text(query(t, all.doc, "tbody tr .badge")); got != "Revoked" {
			t.Errorf("revoked token shows %q", got)
		}
		noMatch(t, all.doc, `form[action="`+revokePath+`"]`)
	})
}
