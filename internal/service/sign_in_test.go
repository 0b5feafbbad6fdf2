package service_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authn/authntest"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

const redirect = "http://127.0.0.1:1/sso/callback"

// ssoOrg is a fresh organization (one admin, pat) whose sign-in goes
// through idp, with the group table given.
func ssoOrg(t *testing.T, db *store.DB, idp *authntest.Provider, upd aims.SignInSettingsUpdate) (*service.Service, context.Context) {
	t.Helper()
	svc := service.New(db, slog.New(slog.DiscardHandler))
	ctx := context.Background()
	org, _, err := svc.BootstrapUser(ctx, service.Bootstrap{OrgSlug: "acme", Email: "pat@acme.test", Name: "Pat",
		Role: aims.RoleAdmin, Password: "correct horse battery", Actor: aims.Actor{Kind: aims.ActorCLI, Label: "test"}})
	if err != nil {
		t.Fatal(err)
	}
	op := service.OperatorContext(ctx, org, "test")
	on, claim, secret := true, "groups", idp.Secret
	upd.SSOEnabled, upd.Issuer, upd.ClientID, upd.ClientSecret, upd.GroupClaim = &on, &idp.URL, &idp.ClientID, &secret, &claim
	if _, err := svc.UpdateSignInSettings(op, upd); err != nil {
		t.Fatal(err)
	}
	return svc, op
}

// signIn runs one sign-in through the provider as a browser would.
func signIn(t *testing.T, svc *service.Service, mangle func(state, code *string)) (*service.SSOResult, error) {
	t.Helper()
	u, p, err := svc.StartSSO(context.Background(), "acme", "/", redirect)
	if err != nil {
		t.Fatal(err)
	}
	back := authntest.Follow(t, u).Query()
	state, code := back.Get("state"), back.Get("code")
	if mangle != nil {
		mangle(&state, &code)
	}
	return svc.FinishSSO(context.Background(), p, state, code, redirect)
}

func countUsers(t *testing.T, db *store.DB) int {
	t.Helper()
	n, err := store.CountUsers(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSSOFirstPersonIsViewerAndGroupsMapToRoles(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		idp := authntest.New(t)
		table := []aims.GroupRole{{Group: "aims-auditors", Role: aims.RoleAuditor}, {Group: "aims-admins", Role: aims.RoleAdmin}}
		svc, op := ssoOrg(t, db, idp, aims.SignInSettingsUpdate{GroupRoles: &table})

		// The first person through the provider, in no mapped group: a viewer.
		idp.Set(func(p *authntest.Provider) { p.Groups = []string{"marketing"} })
		res, err := signIn(t, svc, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Membership.Role != aims.RoleViewer || res.User.Email != "ada@idp.test" || res.User.Name != "Ada Lovelace" {
			t.Fatalf("first sign-in: %+v %+v", res.User, res.Membership)
		}
		// The group table is applied again at the next sign-in, and the
		// change of role is in the audit trail.
		idp.Set(func(p *authntest.Provider) { p.Groups = []string{"staff", "aims-auditors"} })
		if res, err = signIn(t, svc, nil); err != nil || res.Membership.Role != aims.RoleAuditor {
			t.Fatalf("second sign-in: %v %+v", err, res)
		}
		evs, _, err := svc.FindAuditEvents(op, aims.AuditFilter{EntityType: aims.EntityMember, EntityID: res.User.ID})
		if err != nil {
			t.Fatal(err)
		}
		var changed bool
		for _, e := range evs {
			changed = changed || (e.Action == aims.ActionUpdate && strings.Contains(string(e.After), `"auditor"`) && strings.Contains(e.Actor.Label, "sign-in through"))
		}
		if !changed {
			t.Fatalf("no audit event for the role change: %+v", evs)
		}
		if n := countUsers(t, db); n != 2 {
			t.Fatalf("%d accounts, want 2 (the same person signed in twice)", n)
		}
	})
}

func TestSSOBadAnswersCreateNothing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		idp := authntest.New(t)
		svc, _ := ssoOrg(t, db, idp, aims.SignInSettingsUpdate{})
		reset := func(p *authntest.Provider) {
			p.Issuer, p.Audience, p.Nonce, p.UnknownKey, p.CodeTTL = "", "", "", false, time.Minute
		}
		for _, tc := range []struct {
			name   string
			fault  func(p *authntest.Provider)
			mangle func(state, code *string)
		}{
			{"a wrong state", nil, func(state, _ *string) { *state = "forged" + *state }},
			{"a wrong nonce", func(p *authntest.Provider) { p.Nonce = "other" }, nil},
			{"an expired code", func(p *authntest.Provider) { p.CodeTTL = -time.Second }, nil},
			{"a made-up code", nil, func(_, code *string) { *code = "made-up" }},
			{"another issuer", func(p *authntest.Provider) { p.Issuer = "https://evil.example" }, nil},
			{"another audience", func(p *authntest.Provider) { p.Audience = "other-client" }, nil},
			{"an unknown key", func(p *authntest.Provider) { p.UnknownKey = true }, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if tc.fault != nil {
					idp.Set(tc.fault)
				}
				defer idp.Set(reset)
				_, err := signIn(t, svc, tc.mangle)
				if !aims.IsKind(err, aims.KindUnauthenticated) {
					t.Fatalf("got %v, want a refusal", err)
				}
				if n := countUsers(t, db); n != 1 {
					t.Fatalf("%d accounts after a refused sign-in", n)
				}
			})
		}
		t.Run("a replayed code", func(t *testing.T) {
			u, p, err := svc.StartSSO(context.Background(), "acme", "/", redirect)
			if err != nil {
				t.Fatal(err)
			}
			back := authntest.Follow(t, u).Query()
			if _, err := svc.FinishSSO(context.Background(), p, back.Get("state"), back.Get("code"), redirect); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.FinishSSO(context.Background(), p, back.Get("state"), back.Get("code"), redirect); !aims.IsKind(err, aims.KindUnauthenticated) {
				t.Fatalf("a replayed code: %v", err)
			}
		})
	})
}

func TestSSOInvitedOnlyAndProviderDown(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		idp := authntest.New(t)
		yes := true
		svc, _ := ssoOrg(t, db, idp, aims.SignInSettingsUpdate{InvitedOnly: &yes})
		if _, err := signIn(t, svc, nil); err == nil || !strings.Contains(err.Error(), "only invited people") {
			t.Fatalf("invited only: %v", err)
		}
		if n := countUsers(t, db); n != 1 {
			t.Fatalf("%d accounts", n)
		}
		idp.Close()
		if _, _, err := svc.StartSSO(context.Background(), "acme", "/", redirect); !aims.IsKind(err, aims.KindUnavailable) {
			t.Fatalf("provider down: %v", err)
		}
	})
}

func TestSignInSettingsValidation(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		idp := authntest.New(t)
		svc, op := ssoOrg(t, db, idp, aims.SignInSettingsUpdate{})
		admin, bad, off, nobody := aims.RoleAdmin, "http://idp.example.com", false, "nobody@acme.test"
		dup := []aims.GroupRole{{Group: "a", Role: aims.RoleViewer}, {Group: "a", Role: "boss"}}
		_, err := svc.UpdateSignInSettings(op, aims.SignInSettingsUpdate{DefaultRole: &admin, Issuer: &bad, GroupRoles: &dup,
			LocalPasswords: &off, BreakGlassEmail: &nobody})
		for _, f := range []string{"default_role", "issuer", "group_roles/1/group", "group_roles/1/role", "break_glass_email"} {
			if !strings.Contains(err.Error(), f) && !hasField(err, f) {
				t.Errorf("no problem named for %s: %v", f, err)
			}
		}
		st, err := svc.FindSignInSettings(op)
		if err != nil || !st.HasClientSecret || st.DefaultRole != aims.RoleViewer {
			t.Fatalf("%v %+v", err, st)
		}
		// A viewer reads the settings but does not change them.
		viewer := authz.WithPrincipal(context.Background(), &authz.Principal{UserID: "x", OrgID: st.ID, Role: aims.RoleViewer})
		if _, err := svc.UpdateSignInSettings(viewer, aims.SignInSettingsUpdate{InvitedOnly: &off}); !aims.IsKind(err, aims.KindForbidden) {
			t.Fatalf("a viewer changed the settings: %v", err)
		}
	})
}

func hasField(err error, f string) bool {
	e, ok := err.(*aims.Error)
	if !ok {
		return false
	}
	for _, fe := range e.Fields {
		if fe.Field == f {
			return true
		}
	}
	return false
}

// TestBreakGlass: with local passwords off, members sign in only through
// the provider, except the break-glass admin, who still can when the
// provider is down.
func TestBreakGlass(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		idp := authntest.New(t)
		off, pat := false, "pat@acme.test"
		svc, op := ssoOrg(t, db, idp, aims.SignInSettingsUpdate{})
		if _, err := svc.AddMember(op, aims.NewMember{Email: "sam@acme.test", Name: "Sam", Role: aims.RoleContributor, Password: "correct horse battery"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.UpdateSignInSettings(op, aims.SignInSettingsUpdate{LocalPasswords: &off, BreakGlassEmail: &pat}); err != nil {
			t.Fatal(err)
		}
		idp.Close()
		if _, err := svc.Login(context.Background(), "sam@acme.test", "correct horse battery", "10.0.0.1"); err == nil || !strings.Contains(err.Error(), "identity provider") {
			t.Fatalf("a member signed in with a password: %v", err)
		}
		if res, err := svc.Login(context.Background(), pat, "correct horse battery", "10.0.0.1"); err != nil || len(res.Memberships) != 1 {
			t.Fatalf("break-glass: %v", err)
		}
	})
}

// TestTurningPasswordsOffEndsPasswordSessions: a member signed in with a
// password before the organization turned local passwords off is signed
// out by the change; the break-glass admin's session and a provider
// session stay, and another organization's sessions are not touched.
func TestTurningPasswordsOffEndsPasswordSessions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		idp := authntest.New(t)
		off, pat := false, "pat@acme.test"
		svc, op := ssoOrg(t, db, idp, aims.SignInSettingsUpdate{})
		sam, err := svc.AddMember(op, aims.NewMember{Email: "sam@acme.test", Name: "Sam", Role: aims.RoleContributor, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		other, gil, err := svc.BootstrapUser(context.Background(), service.Bootstrap{OrgSlug: "globex", Email: "gil@globex.test", Name: "Gil",
			Role: aims.RoleAdmin, Password: "correct horse battery", Actor: aims.Actor{Kind: aims.ActorCLI, Label: "test"}})
		if err != nil {
			t.Fatal(err)
		}
		patUser, _, err := store.FindUserByEmail(context.Background(), db, pat)
		if err != nil {
			t.Fatal(err)
		}
		acmeOrg, err := store.FindOrganizationBySlug(context.Background(), db, "acme")
		if err != nil {
			t.Fatal(err)
		}
		acme := acmeOrg.ID
		ss := db.Sessions()
		ctx := context.Background()
		for _, s := range []struct{ token, user, org, method string }{
			{"sam-password", sam.ID, acme, "password"},
			{"sam-sso", sam.ID, acme, "sso"},
			{"pat-password", patUser.ID, acme, "password"},
			{"gil-password", gil.ID, other.ID, "password"},
		} {
			if err := ss.CommitCtx(ctx, s.token, []byte("x"), time.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if err := ss.NoteSession(ctx, s.token, s.user, s.org, "test", "10.0.0.1", s.method); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := svc.UpdateSignInSettings(op, aims.SignInSettingsUpdate{LocalPasswords: &off, BreakGlassEmail: &pat}); err != nil {
			t.Fatal(err)
		}
		for token, want := range map[string]bool{"sam-password": false, "sam-sso": true, "pat-password": true, "gil-password": true} {
			if _, live, err := ss.FindCtx(ctx, token); err != nil || live != want {
				t.Errorf("session %s live %v, want %v (%v)", token, live, want, err)
			}
		}
	})
}

// TestSignInTenancy: another organization's member is not found when an
// admin ends sessions, and each organization's settings are its own.
func TestSignInTenancy(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		idp := authntest.New(t)
		svc, acme := ssoOrg(t, db, idp, aims.SignInSettingsUpdate{})
		other, m, err := svc.BootstrapUser(context.Background(), service.Bootstrap{OrgSlug: "globex", Email: "gil@globex.test", Name: "Gil",
			Role: aims.RoleAdmin, Password: "correct horse battery", Actor: aims.Actor{Kind: aims.ActorCLI, Label: "test"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.EndMemberSessions(acme, m.ID); !aims.IsKind(err, aims.KindNotFound) {
			t.Fatalf("ending another organization's member's sessions: %v", err)
		}
		st, err := svc.FindSignInSettings(service.OperatorContext(context.Background(), other, "test"))
		if err != nil || st.SSOEnabled || st.Issuer != "" {
			t.Fatalf("globex sees acme's provider: %+v %v", st, err)
		}
	})
}
