package server_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authn"
	"github.com/aimsproject/aims/internal/authn/authntest"
	"github.com/aimsproject/aims/internal/store"
)

// page gets path and returns the status and the body.
func (e *signinEnv) page(c *http.Client, method, path string, form url.Values) (int, string, string) {
	e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	u := path
	if strings.HasPrefix(path, "/") {
		u = e.ts.URL + path
	}
	req, _ := http.NewRequest(method, u, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(b)
}

var (
	secretRe = regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`)
	codesRe  = regexp.MustCompile(`<li><code>([a-z2-7]{5}-[a-z2-7]{5})</code></li>`)
)

// TestSecondFactorThroughTheWeb: a person sets up a second factor on the
// account page, then signs in with a password and a code, and with a
// recovery code; the password alone signs nobody in.
func TestSecondFactorThroughTheWeb(t *testing.T) {
	e := newSigninEnv(t, store.Options{SQLitePath: t.TempDir() + "/aims.db"})
	e.addAdmin("pat@acme.test")
	c, _ := e.signIn("pat@acme.test", "correct horse battery", "/")
	status, _, body := e.page(c, http.MethodGet, "/account/totp", nil)
	m := secretRe.FindStringSubmatch(body)
	if status != http.StatusOK || m == nil || !strings.Contains(body, "data:image/png;base64,") {
		t.Fatalf("enrolment page %d without a key", status)
	}
	secret := m[1]
	code, _ := authn.TOTPCode(secret, time.Now())
	status, _, body = e.page(c, http.MethodPost, "/account/totp", url.Values{"code": {code}})
	codes := codesRe.FindAllStringSubmatch(body, -1)
	if status != http.StatusOK || len(codes) != authn.RecoveryCodeCount {
		t.Fatalf("confirming answered %d with %d recovery codes", status, len(codes))
	}

	// The password alone: the second-factor page, and nothing signed in.
	c2, res := e.signIn("pat@acme.test", "correct horse battery", "/systems")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("a password with a second factor answered %d, want the code page", res.StatusCode)
	}
	if status, _, _ := e.page(c2, http.MethodGet, "/account", nil); status != http.StatusSeeOther {
		t.Fatalf("before the code, /account answered %d", status)
	}
	if status, _, _ := e.page(c2, http.MethodPost, "/login/code", url.Values{"code": {code}}); status != http.StatusUnauthorized {
		t.Fatalf("the enrolment's code reused answered %d, want 401", status)
	}
	next, _ := authn.TOTPCode(secret, time.Now().Add(30*time.Second))
	if status, loc, _ := e.page(c2, http.MethodPost, "/login/code", url.Values{"code": {next}}); status != http.StatusSeeOther || loc != "/systems" {
		t.Fatalf("the next code answered %d to %q", status, loc)
	}
	// A recovery code, once.
	c3, _ := e.signIn("pat@acme.test", "correct horse battery", "/")
	if status, _, _ := e.page(c3, http.MethodPost, "/login/code", url.Values{"code": {codes[0][1]}}); status != http.StatusSeeOther {
		t.Fatalf("a recovery code answered %d", status)
	}
	c4, _ := e.signIn("pat@acme.test", "correct horse battery", "/")
	if status, _, _ := e.page(c4, http.MethodPost, "/login/code", url.Values{"code": {codes[0][1]}}); status != http.StatusUnauthorized {
		t.Fatalf("a spent recovery code answered %d", status)
	}
	// The account page lists the sessions, and one ends another.
	status, _, body = e.page(c3, http.MethodGet, "/account", nil)
	if status != http.StatusOK || !strings.Contains(body, "This session") || strings.Count(body, "/end\"") < 2 {
		t.Fatalf("account page %d does not list the sessions", status)
	}
	id := regexp.MustCompile(`/account/sessions/([^/]+)/end`).FindStringSubmatch(body)[1]
	if status, _, _ := e.page(c3, http.MethodPost, "/account/sessions/"+id+"/end", url.Values{}); status != http.StatusSeeOther {
		t.Fatalf("ending a session answered %d", status)
	}
}

// TestRequiredSecondFactorIsSetUpFirst: an organization requiring a second
// factor for admins holds an admin without one on the set-up page.
func TestRequiredSecondFactorIsSetUpFirst(t *testing.T) {
	e := newSigninEnv(t, store.Options{SQLitePath: t.TempDir() + "/aims.db"})
	op := e.addAdmin("pat@acme.test")
	req := aims.TOTPAdmins
	if _, err := e.svc.UpdateSignInSettings(op, aims.SignInSettingsUpdate{TOTPRequired: &req}); err != nil {
		t.Fatal(err)
	}
	c, res := e.signIn("pat@acme.test", "correct horse battery", "/systems")
	if loc := res.Header.Get("Location"); loc != "/account/totp" {
		t.Fatalf("sign-in led to %q, want the set-up page", loc)
	}
	if _, loc, _ := e.page(c, http.MethodGet, "/systems", nil); loc != "/account/totp" {
		t.Fatalf("/systems led to %q before the second factor was set up", loc)
	}
	_, _, body := e.page(c, http.MethodGet, "/account/totp", nil)
	code, _ := authn.TOTPCode(secretRe.FindStringSubmatch(body)[1], time.Now())
	e.page(c, http.MethodPost, "/account/totp", url.Values{"code": {code}})
	if status, _, _ := e.page(c, http.MethodGet, "/systems", nil); status != http.StatusOK {
		t.Fatalf("after setting it up /systems answered %d", status)
	}
}

// TestSSOThroughTheWeb signs in through a provider, refuses a forged
// state, and shows a clear page when the provider is down, where the
// break-glass account still signs in with its password.
func TestSSOThroughTheWeb(t *testing.T) {
	e := newSigninEnv(t, store.Options{SQLitePath: t.TempDir() + "/aims.db"})
	op := e.addAdmin("pat@acme.test")
	idp := authntest.New(t)
	on, off, claim, pat, name := true, false, "groups", "pat@acme.test", "Acme Login"
	table := []aims.GroupRole{{Group: "auditors", Role: aims.RoleAuditor}}
	if _, err := e.svc.UpdateSignInSettings(op, aims.SignInSettingsUpdate{SSOEnabled: &on, Issuer: &idp.URL, ClientID: &idp.ClientID,
		ClientSecret: &idp.Secret, GroupClaim: &claim, GroupRoles: &table, DisplayName: &name, LocalPasswords: &off, BreakGlassEmail: &pat}); err != nil {
		t.Fatal(err)
	}
	idp.Set(func(p *authntest.Provider) { p.Groups = []string{"auditors"} })
	c := e.browser()
	if _, _, body := e.page(c, http.MethodGet, "/login?org=acme", nil); !strings.Contains(body, "Sign in with Acme Login") {
		t.Fatal("the sign-in page does not offer the provider")
	}
	status, loc, _ := e.page(c, http.MethodGet, "/sso/start?org=acme&next=/account", nil)
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, idp.URL) {
		t.Fatalf("start answered %d to %q", status, loc)
	}
	back := authntest.Follow(t, loc)
	forged := *back
	q := forged.Query()
	q.Set("state", "forged")
	forged.RawQuery = q.Encode()
	if status, _, _ := e.page(c, http.MethodGet, forged.String(), nil); status != http.StatusForbidden {
		t.Fatalf("a forged state answered %d", status)
	}
	// The pending sign-in was used by the forged answer: start again.
	_, loc, _ = e.page(c, http.MethodGet, "/sso/start?org=acme&next=/account", nil)
	back = authntest.Follow(t, loc)
	if status, loc, _ := e.page(c, http.MethodGet, back.String(), nil); status != http.StatusSeeOther || loc != "/account" {
		t.Fatalf("the callback answered %d to %q", status, loc)
	}
	status, _, body := e.page(c, http.MethodGet, "/account", nil)
	if status != http.StatusOK || !strings.Contains(body, "Auditor") || !strings.Contains(body, "Single sign-on") {
		t.Fatalf("signed in through the provider, /account answered %d", status)
	}
	// Signing out leads to the provider's sign-out.
	if status, _, body := e.page(c, http.MethodPost, "/logout", url.Values{}); status != http.StatusOK || !strings.Contains(body, idp.URL+"/logout?") {
		t.Fatalf("sign-out answered %d without the provider's sign-out", status)
	}
	if status, _, _ := e.page(c, http.MethodGet, "/account", nil); status != http.StatusSeeOther {
		t.Fatalf("after sign-out /account answered %d", status)
	}

	idp.Close()
	status, _, body = e.page(e.browser(), http.MethodGet, "/sso/start?org=acme", nil)
	if status != http.StatusServiceUnavailable || !strings.Contains(body, "cannot be reached") || !strings.Contains(body, `id="password"`) {
		t.Fatalf("provider down: %d", status)
	}
	if _, res := e.signIn("pat@acme.test", "correct horse battery", "/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the break-glass account answered %d", res.StatusCode)
	}
	n, _ := store.CountUsers(context.Background(), e.db)
	if n != 2 {
		t.Fatalf("%d accounts, want 2", n)
	}
}

// TestAdminEndsMemberSessions: an admin ends every session of a member.
func TestAdminEndsMemberSessions(t *testing.T) {
	e := newSigninEnv(t, store.Options{SQLitePath: t.TempDir() + "/aims.db"})
	op := e.addAdmin("pat@acme.test")
	m, err := e.svc.AddMember(op, aims.NewMember{Email: "sam@acme.test", Name: "Sam", Role: aims.RoleViewer, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	sam, _ := e.signIn("sam@acme.test", "correct horse battery", "/")
	admin, _ := e.signIn("pat@acme.test", "correct horse battery", "/")
	if status, _, _ := e.page(sam, http.MethodPost, "/admin/users/"+m.ID+"/sessions/end", url.Values{}); status != http.StatusForbidden {
		t.Fatalf("a viewer ending sessions answered %d", status)
	}
	if status, _, _ := e.page(admin, http.MethodPost, "/admin/users/"+m.ID+"/sessions/end", url.Values{}); status != http.StatusSeeOther {
		t.Fatalf("ending sessions answered %d", status)
	}
	if status, _, _ := e.page(sam, http.MethodGet, "/account", nil); status != http.StatusSeeOther {
		t.Fatalf("the member's session still works (%d)", status)
	}
}
