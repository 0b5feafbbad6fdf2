package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
)

// Finding 4: an admin of organization B could POST /api/v1/users with the
// email of a member of organization A; the answer revealed the account's id
// and name, B joined the victim's sign-in chooser, and a later PATCH renamed
// the account inside A, absent from A's audit trail. Now B only invites:
// the answer is the same as for an email without an account, nothing of the
// account shows in B until the person accepts, and a name is the person's.
func TestInvitingAMemberOfAnotherOrganization(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		a, b := e.orgs["a"], e.orgs["b"]
		victim := a.members[aims.RoleContributor]
		const victimPassword, victimName = "correct horse battery staple", "Robin Victim"
		if _, _, err := e.svc.BootstrapUser(context.Background(), service.Bootstrap{OrgSlug: a.Org.Slug, Email: victim.Email, Name: victimName,
			Role: aims.RoleContributor, Password: victimPassword, Actor: aims.Actor{Kind: aims.ActorCLI, Label: "test"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.RenameAccount(context.Background(), victim.Email, victimName, "test"); err != nil {
			t.Fatal(err)
		}
		invite := func(email string) (int, map[string]any, string) {
			res := e.do(t, request{method: http.MethodPost, url: "/api/v1/users", token: b.tokens[aims.RoleAdmin],
				body: map[string]any{"email": email, "role": "viewer"}})
			var m map[string]any
			_ = json.Unmarshal(res.Body.Bytes(), &m)
			return res.Code, m, res.Body.String()
		}
		code, got, body := invite(victim.Email)
		freshCode, fresh, _ := invite("nobody-yet@example.test")
		if code != http.StatusCreated || freshCode != http.StatusCreated {
			t.Fatalf("inviting: %d and %d, want 201 both: %s", code, freshCode, body)
		}
		if strings.Contains(body, victim.ID) || strings.Contains(body, victimName) || strings.Contains(body, a.Org.ID) {
			t.Errorf("the answer reveals the account of another organization's member: %s", body)
		}
		for k := range fresh {
			if _, ok := got[k]; !ok {
				t.Errorf("the answer for an existing account lacks %q, which a fresh invitation has", k)
			}
		}
		for k := range got {
			if _, ok := fresh[k]; !ok {
				t.Errorf("the answer for an existing account has %q, which a fresh invitation lacks", k)
			}
		}
		// Nothing changed for the victim: B is not in their sign-in chooser,
		// and B does not see the account.
		ms, err := store.FindMembershipsOfUser(context.Background(), e.db, victim.ID)
		if err != nil || len(ms) != 1 || ms[0].Org.ID != a.Org.ID {
			t.Errorf("the victim's memberships after B's invitation: %+v, %v; want only A", ms, err)
		}
		list := e.do(t, request{method: http.MethodGet, url: "/api/v1/users?limit=500", token: b.tokens[aims.RoleAdmin]})
		if strings.Contains(list.Body.String(), victim.ID) || strings.Contains(list.Body.String(), victim.Email) {
			t.Errorf("B's member list shows the invited account before it accepted")
		}
		for _, m := range []string{http.MethodGet, http.MethodPatch} {
			res := e.do(t, request{method: m, url: "/api/v1/users/" + victim.ID, token: b.tokens[aims.RoleAdmin], body: map[string]any{"name": "Mallory"}})
			if res.Code != http.StatusNotFound {
				t.Errorf("%s the victim's account in B: %d, want 404", m, res.Code)
			}
		}

		// The person accepts with their own password: now a member of B.
		link, _ := got["url"].(string)
		secret := strings.TrimPrefix(link, service.InvitationPath)
		if secret == "" || secret == link {
			t.Fatalf("the invitation has no link: %v", got)
		}
		if _, _, err := e.svc.AcceptInvitation(context.Background(), secret, aims.InvitationAcceptance{Password: "not my password"}, "test"); !aims.IsKind(err, aims.KindInvalid) {
			t.Errorf("accepting with a wrong password: %v, want invalid", err)
		}
		res, _, err := e.svc.AcceptInvitation(context.Background(), secret, aims.InvitationAcceptance{Password: victimPassword}, "test")
		if err != nil {
			t.Fatalf("accept: %v", err)
		}
		if len(res.Memberships) != 2 {
			t.Errorf("after accepting, %d memberships, want 2", len(res.Memberships))
		}
		if _, _, err := e.svc.AcceptInvitation(context.Background(), secret, aims.InvitationAcceptance{Password: victimPassword}, "test"); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("the link a second time: %v, want not found", err)
		}

		// B's admin may change the role, not the person's name.
		patch := e.do(t, request{method: http.MethodPatch, url: "/api/v1/users/" + victim.ID, token: b.tokens[aims.RoleAdmin],
			body: map[string]any{"name": "Mallory"}})
		if patch.Code != http.StatusUnprocessableEntity || !strings.Contains(patch.Body.String(), "/name") {
			t.Errorf("B's admin renaming the person: %d %s, want 422 naming name", patch.Code, patch.Body)
		}
		// The person renames themself: both organizations' audit trails show it.
		bm, err := e.svc.FindMemberByID(service.OperatorContext(context.Background(), b.Org, "test"), victim.ID)
		if err != nil {
			t.Fatal(err)
		}
		self := authz.WithPrincipal(context.Background(), &authz.Principal{UserID: victim.ID, Email: victim.Email, OrgID: b.Org.ID, Role: bm.Role})
		if _, err := e.svc.RenameSelf(self, "Robin Q. Example"); err != nil {
			t.Fatal(err)
		}
		for _, o := range []*orgEnv{a, b} {
			ctx := service.OperatorContext(context.Background(), o.Org, "test")
			evs, _, err := e.svc.FindAuditEvents(ctx, aims.AuditFilter{EntityType: aims.EntityUser, EntityID: victim.ID, Page: aims.Page{Limit: 50}})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, ev := range evs {
				found = found || strings.Contains(string(ev.After), "Robin Q. Example")
			}
			if !found {
				t.Errorf("the rename is not in %s's audit trail", o.Org.Slug)
			}
		}
	})
}
