package browsertest

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/server"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// Password is the password of a Site's person.
const Password = "correct horse battery"

// Site is aims over a fresh SQLite database, served on loopback, with one
// organization (acme) and one person in it, who signs in with Email and
// Password.
type Site struct {
	URL    string
	Svc    *service.Service
	Op     context.Context // an operator context in the organization, to arrange records
	Person *aims.Member
	Email  string
}

// NewSite starts a Site whose person has role and name; the server stops
// when t ends.
func NewSite(t testing.TB, role aims.Role, name string) *Site {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := service.New(storetest.OpenSQLite(t), log)
	ctx := context.Background()
	email := strings.ToLower(strings.Fields(name)[0]) + "@acme.test"
	org, person, err := svc.BootstrapUser(ctx, service.Bootstrap{OrgSlug: "acme", OrgName: "Acme", Email: email, Name: name,
		Role: role, Password: Password, Actor: aims.Actor{Kind: aims.ActorSystem, Label: "test"}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(server.Config{Version: "test"}, svc, log).Handler())
	t.Cleanup(srv.Close)
	return &Site{URL: srv.URL, Svc: svc, Op: service.OperatorContext(ctx, org, "test"), Person: person, Email: email}
}

// SignIn opens path, which sends the browser to the sign-in page, and signs
// in; the page then returns to path.
func (s *Site) SignIn(path string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(s.URL+path),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), s.Email),
		chromedp.SendKeys(chromedp.CSS("#password"), Password),
		chromedp.Submit(chromedp.CSS("#password")),
	)
}
