package layoutbrowser_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aimsproject/aims/internal/browsertest"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/server"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// demoSite serves the demo organization and returns its URL and the
// password of the account with email.
func demoSite(t *testing.T, email string) (url, password string) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := service.New(storetest.OpenSQLite(t), log)
	accounts, err := demo.Ensure(context.Background(), svc)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accounts {
		if a.Email == email {
			password = a.Password
		}
	}
	if password == "" {
		t.Fatalf("no demo account %s", email)
	}
	srv := httptest.NewServer(server.New(server.Config{Version: "test"}, svc, log).Handler())
	t.Cleanup(srv.Close)
	return srv.URL, password
}

func signIn(url, email, password string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(url+"/"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitReady(chromedp.CSS(".who")),
	)
}

// firstLink returns the path of the page's first link whose path matches re.
func firstLink(t *testing.T, bctx context.Context, url, page string, re *regexp.Regexp) string {
	t.Helper()
	err := chromedp.Do(bctx, chromedp.Navigate(url+page), chromedp.WaitVisible(chromedp.CSS("main")))
	if err != nil {
		t.Fatalf("open %s: %v", page, err)
	}
	hrefs, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('main a[href]')).map(a => a.getAttribute('href'))`))
	if err != nil {
		t.Fatalf("links of %s: %v", page, err)
	}
	for _, h := range hrefs {
		if re.MatchString(h) {
			return h
		}
	}
	t.Fatalf("no link matching %s on %s (links %q)", re, page, hrefs)
	return ""
}

// TestPagesFitTheScreen loads the pages that a governance lead reads most
// on the demo data at 1,400 px and at 400 px, and checks that none is wider
// than the window (no horizontal scroll). Screenshots go to the temporary
// directory (AIMS_TEST_SCREENSHOTS names another one).
func TestPagesFitTheScreen(t *testing.T) {
	bctx := browsertest.New(t, 120*time.Second)
	const email = "manager@demo.example"
	url, password := demoSite(t, email)
	if err := chromedp.Do(bctx, signIn(url, email, password)); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	uuid := `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`
	system := firstLink(t, bctx, url, "/systems", regexp.MustCompile(`^/systems/`+uuid+`$`))
	instrument := firstLink(t, bctx, url, "/lineage/instruments", regexp.MustCompile(`^/lineage/instruments/`+uuid+`$`))
	pages := []struct{ name, path, actions string }{
		{"home", "/", ""},
		{"systems", "/systems", ""},
		{"risks", "/risks", ""},
		{"soa", "/soa", ""},
		{"ooc", "/lineage/out-of-calibration-decisions", ""},
		{"system", system, "#system-actions"},
		{"instrument", instrument, "#instrument-actions"},
		{"audit", "/audit", ""},
		{"datasets", "/datasets", ""},
		{"suppliers", "/suppliers", ""},
		{"crosswalk", "/crosswalks/nist-ai-rmf_iso42001", ""},
		{"apidocs", "/api/docs", ""},
	}
	dir := os.Getenv("AIMS_TEST_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	for _, width := range []int64{1400, 400} {
		for _, p := range pages {
			err := chromedp.Do(bctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(url+p.path), chromedp.WaitVisible(chromedp.CSS("main")))
			if err != nil {
				t.Fatalf("%s at %d px: %v", p.path, width, err)
			}
			got, err := chromedp.Run(bctx, chromedp.Evaluate[[]int64](`[document.documentElement.scrollWidth, window.innerWidth]`))
			if err != nil {
				t.Fatalf("%s at %d px: %v", p.path, width, err)
			}
			if shot, err := chromedp.Run(bctx, chromedp.CaptureScreenshot()); err == nil {
				_ = os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", p.name, width)), shot, 0o644)
			}
			if got[0] > got[1] {
				wide, _ := chromedp.Run(bctx, chromedp.Evaluate[string](widest))
				t.Errorf("%s (%s) at %d px: page is %d px wide, window %d px; widest: %s", p.name, p.path, width, got[0], got[1], strings.TrimSpace(wide))
			}
			if p.actions != "" && width >= 1400 {
				top, err := chromedp.Run(bctx, chromedp.Evaluate[float64](`document.querySelector('`+p.actions+`').getBoundingClientRect().bottom`))
				if err != nil || top > 900 {
					t.Errorf("%s at %d px: primary actions end at %v px (%v), want within the first screen", p.name, width, top, err)
				}
			}
			if width >= 1400 {
				clipped, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](clippedTables))
				if err != nil {
					t.Fatal(err)
				}
				if len(clipped) > 0 {
					t.Errorf("%s (%s) at %d px: tables scroll sideways: %q", p.name, p.path, width, clipped)
				}
			}
		}
	}
}

// widest names the elements that reach past the window's right edge, to
// say what to fix.
const widest = `(() => {
	const w = window.innerWidth, out = [];
	const over = el => el.getBoundingClientRect().right > w + 1;
	for (const el of document.querySelectorAll('body *')) {
		if (over(el) && !Array.from(el.children).some(over) && out.length < 6) {
			const r = el.getBoundingClientRect();
			let name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + String(el.className).split(' ').join('.') : '');
			for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
				if (p.tagName === 'TABLE' || p.tagName === 'NAV' || p.tagName === 'FORM' || p.tagName === 'DL') { name = p.tagName.toLowerCase() + (p.className ? '.' + p.className : '') + ' > ' + name; break; }
			}
			out.push(name + ' right=' + Math.round(r.right));
		}
	}
	return out.join('; ');
})()`

// clippedTables names the tables wider than the box that holds them (a
// scrolling figure or a table that scrolls itself), which a reader at a
// desktop width would have to scroll sideways.
const clippedTables = `(() => {
	const out = [];
	for (const t of document.querySelectorAll('main table')) {
		for (let el = t; el && el !== document.body; el = el.parentElement) {
			const o = getComputedStyle(el).overflowX;
			if ((o === 'auto' || o === 'scroll' || o === 'hidden') && el.scrollWidth > el.clientWidth + 1) {
				out.push((t.id || t.className || 'table') + ': ' + el.scrollWidth + ' in ' + el.clientWidth);
				break;
			}
		}
	}
	return out;
})()`

// TestMenuFoldsOnAPhone: at 400 px the main navigation hides behind a Menu
// button, which opens it without JavaScript; at 1,400 px the menus show and
// the button does not.
func TestMenuFoldsOnAPhone(t *testing.T) {
	bctx := browsertest.New(t, 60*time.Second)
	const email = "viewer@demo.example"
	url, password := demoSite(t, email)
	if err := chromedp.Do(bctx, signIn(url, email, password)); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	shown := `(() => { const v = el => el.getBoundingClientRect().height > 0;
		return [v(document.querySelector('#nav-menus')), v(document.querySelector('label[for=nav-toggle]'))]; })()`
	err := chromedp.Do(bctx, chromedp.EmulateViewport(400, 800), chromedp.Navigate(url+"/systems"), chromedp.WaitVisible(chromedp.CSS("label[for=nav-toggle]")))
	if err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(bctx, chromedp.Evaluate[[]bool](shown))
	if err != nil || got[0] || !got[1] {
		t.Fatalf("phone, menu closed: menus shown, button shown = %v (%v), want false, true", got, err)
	}
	if err := chromedp.Do(bctx, chromedp.Click(chromedp.CSS("label[for=nav-toggle]")), chromedp.WaitVisible(chromedp.CSS("#nav-inventory"))); err != nil {
		t.Fatalf("open the menu: %v", err)
	}
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(1400, 900), chromedp.Navigate(url+"/systems"), chromedp.WaitVisible(chromedp.CSS("#nav-inventory"))); err != nil {
		t.Fatal(err)
	}
	got, err = chromedp.Run(bctx, chromedp.Evaluate[[]bool](shown))
	if err != nil || !got[0] || got[1] {
		t.Errorf("desktop: menus shown, button shown = %v (%v), want true, false", got, err)
	}
}
