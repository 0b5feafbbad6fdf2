// Package e2e drives the real server in Debian's chromium: what a person
// does with a browser, end to end. It has tests only.
package e2e

import (
	"context"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/browsertest"
	"github.com/aimsproject/aims/internal/server"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
)

// TestSignInRegisterAndFindSystem signs in, registers an AI system through
// the form, and finds it in the inventory with the live search.
func TestSignInRegisterAndFindSystem(t *testing.T) {
	browser := browsertest.New(t, 60*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	baseURL := startServer(t, ctx)

	const email, password = "owner@acme.test", "a long enough password"
	const name = "Dewatering setpoint optimizer"
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	err := chromedp.Do(browser,
		chromedp.Navigate(baseURL+"/systems"),
		// Not signed in: sent to the sign-in page, which returns here.
		chromedp.WaitVisible(css(`#email`)),
		chromedp.SendKeys(css(`#email`), email),
		chromedp.SendKeys(css(`#password`), password),
		chromedp.Click(css(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(css(`a[href="/systems/new"]`)),
		chromedp.Click(css(`a[href="/systems/new"]`)),

		chromedp.WaitVisible(css(`#name`)),
		chromedp.SendKeys(css(`#name`), name),
		chromedp.SendKeys(css(`#purpose`), "Sets the polymer dose from torque, flow and moisture-probe readings"),
		chromedp.Click(css(`#operator_roles-deployer`)),
		chromedp.SetValue(css(`#lifecycle_stage`), string(aims.StageDeployed)),
		chromedp.SetValue(css(`#autonomy`), string(aims.AutonomyAutonomous)),
		chromedp.Click(css(`#impact_domains-safety`)),
		chromedp.Submit(css(`#name`)),
		chromedp.WaitVisible(chromedp.Search(`//h1[normalize-space()="`+name+`"]`)),

		// The inventory's live search finds it as one types.
		chromedp.Navigate(baseURL+"/systems"),
		chromedp.WaitVisible(css(`#q`)),
		chromedp.SendKeys(css(`#q`), "setpoint"),
		chromedp.WaitVisible(chromedp.Search(`//div[@id="system-results"]/p[contains(., "matches")]`)),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	status, err := chromedp.Run(browser, chromedp.Text(css(`#system-results [role=status]`)))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := chromedp.Run(browser, chromedp.Text(css(`#system-results tbody`)))
	if err != nil {
		t.Fatal(err)
	}
	if status != "1 AI system matches" || !strings.Contains(rows, name) || strings.Contains(rows, otherSystem) {
		t.Errorf("search for setpoint: %q, rows %q", status, rows)
	}
	// The live search keeps the query in the address, so Back and reload
	// show the same list.
	loc, err := chromedp.Run(browser, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(loc, "q=setpoint") {
		t.Errorf("address after the live search: %s", loc)
	}

	// The main navigation is a row of menus that open without script: the
	// Inventory menu leads to the lineage pages, and from there on to the
	// instruments, where the menu stays marked as the current one.
	err = chromedp.Do(browser,
		chromedp.Click(css(`#nav-inventory summary`)),
		chromedp.WaitVisible(css(`#nav-inventory a[href="/lineage"]`)),
		chromedp.Click(css(`#nav-inventory a[href="/lineage"]`)),
		chromedp.WaitVisible(chromedp.Search(`//h1[normalize-space()="Data lineage"]`)),
		chromedp.WaitVisible(css(`#lineage-counts`)),
		chromedp.Click(css(`nav.tabs a[href="/lineage/instruments"]`)),
		chromedp.WaitVisible(chromedp.Search(`//h1[normalize-space()="Instruments"]`)),
		chromedp.WaitVisible(css(`#nav-inventory summary[aria-current="true"]`)),
	)
	if err != nil {
		t.Fatalf("navigation to the lineage pages: %v", err)
	}
}

// otherSystem is registered before the browser starts.
const otherSystem = "Credit scoring"

// startServer serves aims over a fresh SQLite database on a free port, with
// one account, and returns its URL.
func startServer(t *testing.T, ctx context.Context) string {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(ctx, store.Options{SQLitePath: filepath.Join(dir, "aims.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	svc := service.New(db, log)
	org, m, err := svc.BootstrapUser(ctx, service.Bootstrap{OrgSlug: "acme", OrgName: "Acme Water", Email: "owner@acme.test",
		Name: "Olga Owner", Role: aims.RoleSystemOwner, Password: "a long enough password",
		Actor: aims.Actor{Kind: aims.ActorCLI, Label: "e2e"}})
	if err != nil {
		t.Fatal(err)
	}
	// Another system, so that the search has something to leave out.
	err = svc.CreateSystem(service.OperatorContext(ctx, org, "e2e"), &aims.AISystem{Name: otherSystem, Purpose: "Scores loan applications",
		OperatorRoles: []aims.OperatorRole{aims.OperatorDeployer}, LifecycleStage: aims.StageDeployed, Autonomy: aims.AutonomyAdvisory,
		InScope: true, OwnerID: m.ID})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srvCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- server.New(server.Config{Version: "e2e"}, svc, log).Serve(srvCtx, ln) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}
