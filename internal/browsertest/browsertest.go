// Package browsertest starts the headless chromium that the browser tests
// drive (Debian's chromium; CI installs it when missing).
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// RequireEnv, when "1", turns a missing chromium into a failure (CI sets
// it), so that a browser test cannot pass by being skipped.
const RequireEnv = "AIMS_TEST_REQUIRE_BROWSER"

// Chromium returns the path of a chromium, or skips t when there is none
// (fails it when RequireEnv is "1").
func Chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("no chromium found but %s=1: the browser test must run (apt-get install chromium)", RequireEnv)
	}
	t.Skipf("browser test skipped: install chromium (apt-get install chromium), or set %s=1 to make this a failure", RequireEnv)
	return ""
}

// New starts a headless chromium, with the flags it needs to run as root
// in a container and a profile of its own, and returns the context of one
// tab, which ends after timeout. The browser stops when t ends.
func New(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(Chromium(t)), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	tab, cancelTab := chromedp.NewContext(alloc, chromedp.WithErrorf(t.Logf))
	tab, cancelTimeout := context.WithTimeout(tab, timeout)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
	})
	return tab
}
