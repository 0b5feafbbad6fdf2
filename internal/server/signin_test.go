package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/server"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
)

// signinEnv is a whole server over an empty database, for the sign-in
// flows a browser goes through (cookies, redirects, the setup link).
type signinEnv struct {
	t   *testing.T
	db  *store.DB
	svc *service.Service
	srv *server.Server
	ts  *httptest.Server
}

func newSigninEnv(t *testing.T, opts store.Options) *signinEnv {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	e := &signinEnv{t: t, db: db, svc: service.New(db, quiet)}
	e.srv = server.New(server.Config{Version: "test"}, e.svc, quiet)
	e.ts = httptest.NewServer(e.srv.Handler())
	t.Cleanup(e.ts.Close)
	return e
}

// browser is a client with its own cookies that does not follow redirects.
func (e *signinEnv) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (e *signinEnv) post(c *http.Client, path string, form url.Values) *http.Response {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		e.t.Error(err)
		return nil
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

func (e *signinEnv) get(c *http.Client, path string) *http.Response {
	e.t.Helper()
	res, err := c.Get(e.ts.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// Finding 5: the one-time setup link used by 8 parallel requests created 8
// organizations and 8 admins.
func TestSetupLinkCreatesOneOrganization(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, opts store.Options) {
		e := newSigninEnv(t, opts)
		token := e.srv.Setup().Activate()
		var wg sync.WaitGroup
		codes := make([]int, 8)
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res := e.post(e.browser(), "/setup", url.Values{"token": {token}, "org_name": {"Org"}, "org": {"org-" + string(rune('a'+i))},
					"name": {"First Admin"}, "email": {"admin" + string(rune('a'+i)) + "@example.test"}, "password": {"correct horse battery"}})
				if res != nil {
					codes[i] = res.StatusCode
				}
			}()
		}
		wg.Wait()
		orgs, err := e.svc.ListOrganizations(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		n, err := store.CountUsers(context.Background(), e.db)
		if err != nil {
			t.Fatal(err)
		}
		if len(orgs) != 1 || n != 1 {
			t.Errorf("8 parallel setups made %d organizations and %d accounts, want 1 and 1 (answers %v)", len(orgs), n, codes)
		}
		created := 0
		for _, c := range codes {
			switch c {
			case http.StatusSeeOther:
				created++
			case http.StatusNotFound:
			default:
				t.Errorf("a setup answered %d, want 303 or 404", c)
			}
		}
		if created != 1 {
			t.Errorf("%d setups answered as created, want 1 (answers %v)", created, codes)
		}
		// The link is spent.
		if res := e.get(e.browser(), "/setup?token="+token); res.StatusCode != http.StatusNotFound {
			t.Errorf("the spent setup link answers %d, want 404", res.StatusCode)
		}
	})
}

func (e *signinEnv) addAdmin(email string) context.Context {
	e.t.Helper()
	org, _, err := e.svc.BootstrapUser(context.Background(), service.Bootstrap{OrgSlug: "acme", Email: email, Name: "Pat",
		Role: aims.RoleAdmin, Password: "correct horse battery", Actor: aims.Actor{Kind: aims.ActorCLI, Label: "test"}})
	if err != nil {
		e.t.Fatal(err)
	}
	return service.OperatorContext(context.Background(), org, "test")
}

func (e *signinEnv) signIn(email, password, next string) (*http.Client, *http.Response) {
	e.t.Helper()
	c := e.browser()
	res := e.post(c, "/login", url.Values{"email": {email}, "password": {password}, "next": {next}})
	return c, res
}

// Finding 6: next=/%09/evil.example came back as a Location that browsers
// follow to //evil.example.
func TestSignInRedirectStaysOnSite(t *testing.T) {
	e := newSigninEnv(t, store.Options{SQLitePath: t.TempDir() + "/aims.db"})
	e.addAdmin("pat@acme.test")
	for next, want := range map[string]string{
		"/systems?stage=idea": "/systems?stage=idea",
		"/\t/evil.example":    "/",
		"/\n/evil.example":    "/",
		"/\\evil.example":     "/",
		"//evil.example":      "/",
		"https://evil":        "/",
	} {
		_, res := e.signIn("pat@acme.test", "correct horse battery", next)
		if res == nil {
			continue // the client could not even parse the Location
		}
		if got := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || got != want {
			t.Errorf("next=%q: %d Location %q, want 303 %q", next, res.StatusCode, got, want)
		}
	}
}

// Finding 9: a password change left the account's other sessions signed in.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, opts store.Options) {
		e := newSigninEnv(t, opts)
		e.addAdmin("pat@acme.test")
		laptop, _ := e.signIn("pat@acme.test", "correct horse battery", "/")
		phone, _ := e.signIn("pat@acme.test", "correct horse battery", "/")
		for _, c := range []*http.Client{laptop, phone} {
			if res := e.get(c, "/account"); res.StatusCode != http.StatusOK {
				t.Fatalf("signed in, /account answers %d", res.StatusCode)
			}
		}
		res := e.post(laptop, "/account/password", url.Values{"current_password": {"correct horse battery"}, "new_password": {"a new long password"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("password change answered %d", res.StatusCode)
		}
		if res := e.get(laptop, "/account"); res.StatusCode != http.StatusOK {
			t.Errorf("the session that changed the password answers %d, want 200", res.StatusCode)
		}
		if res := e.get(phone, "/account"); res.StatusCode == http.StatusOK {
			t.Errorf("another session of the account still reads /account after the password changed")
		}
		again, res := e.signIn("pat@acme.test", "a new long password", "/")
		if res.StatusCode != http.StatusSeeOther || e.get(again, "/account").StatusCode != http.StatusOK {
			t.Errorf("signing in with the new password does not work")
		}
	})
}
