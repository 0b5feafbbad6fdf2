package oidcbrowser

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/browsertest"
)

// RequireEnv, when "1", turns a missing Node.js or oidc-provider package
// into a failure (CI sets it).
const RequireEnv = "AIMS_TEST_REQUIRE_OIDC"

const version = "9.13.3"

// providerModule finds the installed package: AIMS_OIDC_PROVIDER_DIR, or
// the cache directory .ci/run installs it into.
func providerModule(t *testing.T) (node, module string) {
	t.Helper()
	skip := func(why string) {
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("%s but %s=1: the real-provider test must run", why, RequireEnv)
		}
		t.Skipf("real-provider test skipped: %s (npm install --prefix ~/.cache/aims-ci/oidc-provider-%s oidc-provider@%s), or set %s=1 to make this a failure", why, version, version, RequireEnv)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		skip("no node on the PATH")
	}
	dir := os.Getenv("AIMS_OIDC_PROVIDER_DIR")
	if dir == "" {
		cache := os.Getenv("XDG_CACHE_HOME")
		if cache == "" {
			home, _ := os.UserHomeDir()
			cache = filepath.Join(home, ".cache")
		}
		dir = filepath.Join(cache, "aims-ci", "oidc-provider-"+version)
	}
	module = filepath.Join(dir, "node_modules", "oidc-provider", "lib", "index.js")
	if _, err := os.Stat(module); err != nil {
		skip("oidc-provider " + version + " is not installed in " + dir)
	}
	return node, module
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startProvider runs testdata/provider.mjs and waits until it listens.
func startProvider(t *testing.T, node, module, aimsURL string, groups []string) string {
	t.Helper()
	port := freePort(t)
	script, _ := filepath.Abs("testdata/provider.mjs")
	cmd := exec.Command(node, script)
	cmd.Env = append(os.Environ(), "OIDC_PROVIDER_MODULE=file://"+module, fmt.Sprintf("PORT=%d", port),
		"AIMS_REDIRECT_URI="+aimsURL+"/sso/callback", "AIMS_POST_LOGOUT_URI="+aimsURL+"/login", "AIMS_GROUPS="+strings.Join(groups, ","),
		"NODE_ENV=test")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if l := sc.Text(); strings.HasPrefix(l, "listening ") {
				ready <- strings.TrimPrefix(l, "listening ")
			}
		}
	}()
	select {
	case issuer := <-ready:
		return issuer
	case <-time.After(30 * time.Second):
		t.Fatal("oidc-provider did not start within 30 seconds")
	}
	return ""
}

// TestSignInThroughOIDCProvider: the admin configures the provider with a
// group table; a new person signs in through it in chromium, lands with
// the role their group maps to, and signs out of aims and of the provider.
func TestSignInThroughOIDCProvider(t *testing.T) {
	node, module := providerModule(t)
	site := browsertest.NewSite(t, aims.RoleAdmin, "Pat Admin")
	issuer := startProvider(t, node, module, site.URL, []string{"staff", "aims-auditors"})
	on, claim, id, secret, scopes, name := true, "groups", "aims", "aims-client-secret", "openid email profile groups", "Acme Login"
	table := []aims.GroupRole{{Group: "aims-admins", Role: aims.RoleAdmin}, {Group: "aims-auditors", Role: aims.RoleAuditor}}
	if _, err := site.Svc.UpdateSignInSettings(site.Op, aims.SignInSettingsUpdate{SSOEnabled: &on, DisplayName: &name, Issuer: &issuer,
		ClientID: &id, ClientSecret: &secret, Scopes: &scopes, GroupClaim: &claim, GroupRoles: &table}); err != nil {
		t.Fatal(err)
	}

	ctx := browsertest.New(t, 90*time.Second)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	err := chromedp.Do(ctx,
		chromedp.Navigate(site.URL+"/login?org=acme"),
		chromedp.WaitVisible(css(`#sso`)),
		chromedp.Click(css(`#sso`)),
		// The provider's own sign-in page (its development interactions).
		chromedp.WaitVisible(css(`input[name=login]`)),
		chromedp.SendKeys(css(`input[name=login]`), "ada"),
		chromedp.SendKeys(css(`input[name=password]`), "any password"),
		chromedp.Submit(css(`input[name=password]`)),
		// Its consent page.
		chromedp.WaitVisible(css(`button.login-submit`)),
		chromedp.Click(css(`button.login-submit`)),
		// Back in aims, signed in.
		chromedp.WaitVisible(css(`nav[aria-label=Main]`)),
		chromedp.Navigate(site.URL+"/account"),
		chromedp.WaitVisible(css(`#sessions-title`)),
	)
	if err != nil {
		t.Fatalf("signing in through oidc-provider: %v", err)
	}
	role, err := chromedp.Run(ctx, chromedp.Text(css(`dl.fields`)))
	if err != nil || !strings.Contains(role, "Auditor") || !strings.Contains(role, "ada@idp.test") {
		t.Fatalf("the account page says %q (%v): want the auditor role mapped from the aims-auditors group", role, err)
	}
	sessions, err := chromedp.Run(ctx, chromedp.Text(css(`section[aria-labelledby=sessions-title]`)))
	if err != nil || !strings.Contains(sessions, "Single sign-on") {
		t.Fatalf("the sessions list says %q (%v)", sessions, err)
	}
	err = chromedp.Do(ctx,
		chromedp.Submit(css(`form[action="/logout"] button`)),
		chromedp.WaitVisible(css(`#provider-logout`)),
		chromedp.Click(css(`#provider-logout`)),
		// The provider asks to confirm its own sign-out, then returns.
		chromedp.WaitVisible(css(`button[name=logout]`)),
		chromedp.Click(css(`button[name=logout]`)),
		chromedp.WaitVisible(css(`#email`)),
	)
	if err != nil {
		t.Fatalf("signing out: %v", err)
	}
	where, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || !strings.HasPrefix(where, site.URL+"/login") {
		t.Fatalf("after signing out the browser is at %s (%v)", where, err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+"/account"), chromedp.WaitVisible(css(`#email`))); err != nil {
		t.Fatalf("after signing out /account does not lead to the sign-in page: %v", err)
	}
	m, _, err := site.Svc.FindMembers(site.Op, aims.MemberFilter{Role: aims.RoleAuditor})
	if err != nil || len(m) != 1 || m[0].Email != "ada@idp.test" {
		t.Fatalf("members with the auditor role: %v %v", m, err)
	}
}
